"""The register of processing (GDPR article 30) as rows, for the DPO's page and downloads."""
from __future__ import annotations

from flask_babel import gettext as _

from ent_lite.privacy.notice import NoticeRegister


def _cell(value: str) -> str:
    # A spreadsheet would run a cell starting with one of these as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def processing_rows(notice: NoticeRegister, controller: str) -> tuple[list[str], list[list[str]]]:
    """One row per purpose and data category; headers in the interface language."""
    header = [_("Controller"), _("Purpose"), _("Description"), _("Legal basis"), _("Data subjects"),
              _("Data category"), _("Retention"), _("Recipients"), _("Security measures")]
    reg = notice.register
    controller_text = f"{controller} — {reg.controller_role}"
    measures = " | ".join(str(m) for m in reg.security_measures)
    rows = []
    for purpose in notice.purposes:
        for key in purpose.data_categories:
            rows.append([_cell(str(value)) for value in (
                controller_text, purpose.name, purpose.description, notice.legal_basis(purpose.legal_basis),
                ", ".join(str(s) for s in purpose.subjects), notice.category_name(key),
                notice.retention_text(key), ", ".join(str(r) for r in purpose.recipients), measures,
            )])
    return header, rows

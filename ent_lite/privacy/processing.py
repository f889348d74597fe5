"""The register of processing (GDPR article 30) as rows, for the DPO's page and downloads."""
from __future__ import annotations

from flask_babel import gettext as _

from ent_lite.privacy.notice import NoticeRegister


def _cell(value: str) -> str:
    # A spreadsheet would run a cell starting with one of these as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _setting(value: str | None, name: str) -> str:
    # The DPO sees what the families' notice lacks, and which setting gives it.
    return value or _("not configured (setting %(name)s)", name=name)


def processing_facts(notice: NoticeRegister) -> list[tuple[str, str]]:
    """What the register states once for the whole processing (GDPR article 30(1)), labelled."""
    return [
        (_("Data protection officer"), _setting(notice.dpo_contact, "ENT_LITE_DPO_CONTACT")),
        (_("Source of the data"), str(notice.register.source)),
        (_("Rights of the data subjects"), str(notice.register.rights)),
        (_("Processor (hosting)"), _setting(notice.hosting_provider, "ENT_LITE_HOSTING_PROVIDER")),
        (_("Hosting location"), _setting(notice.hosting_location, "ENT_LITE_HOSTING_LOCATION")),
    ]


def processing_rows(notice: NoticeRegister, controller: str) -> tuple[list[str], list[list[str]]]:
    """One row per purpose and data category, with the whole processing's facts repeated on
    each (a spreadsheet filter keeps them); headers in the interface language."""
    facts = processing_facts(notice)
    header = [_("Controller"), _("Purpose"), _("Description"), _("Legal basis"), _("Data subjects"),
              _("Data category"), _("Retention"), _("Recipients"), _("Security measures"),
              *(label for label, _value in facts)]
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
                *(value for _label, value in facts),
            )])
    return header, rows

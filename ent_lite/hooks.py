"""Every feature module that registers privacy handlers, loaded when the app is created.

Purge jobs and retention classification (``retention.py``), exporters (``exporters.py``) and
erasure handlers (``erasure.py``) register themselves when imported. ``privacy``, ``rights``
and ``erasure`` import no feature, so this list is what makes the CLI's purge, the workers and
the web see every handler; tests/privacy/test_registries.py fails on a hook module left out.
"""
from __future__ import annotations

from importlib import import_module

HOOK_MODULES = (
    "ent_lite.absences.erasure",
    "ent_lite.absences.exporters",
    "ent_lite.absences.retention",
    "ent_lite.accounts.erasure",
    "ent_lite.accounts.exporters",
    "ent_lite.accounts.retention",
    "ent_lite.activities.erasure",
    "ent_lite.activities.exporters",
    "ent_lite.activities.retention",
    "ent_lite.agenda.erasure",
    "ent_lite.agenda.exporters",
    "ent_lite.agenda.retention",
    "ent_lite.audience.retention",
    "ent_lite.audit.retention",
    "ent_lite.consents.erasure",
    "ent_lite.consents.exporters",
    "ent_lite.consents.retention",
    "ent_lite.conversations.erasure",
    "ent_lite.conversations.exporters",
    "ent_lite.conversations.retention",
    "ent_lite.dpo.erasure",
    "ent_lite.dpo.exporters",
    "ent_lite.dpo.retention",
    "ent_lite.erasure.retention",
    "ent_lite.files.erasure",
    "ent_lite.files.exporters",
    "ent_lite.files.retention",
    "ent_lite.forms.erasure",
    "ent_lite.forms.exporters",
    "ent_lite.forms.retention",
    "ent_lite.notifications.erasure",
    "ent_lite.notifications.exporters",
    "ent_lite.notifications.retention",
    "ent_lite.posts.erasure",
    "ent_lite.posts.exporters",
    "ent_lite.posts.retention",
    "ent_lite.privacy.retention",
    "ent_lite.rights.erasure",
    "ent_lite.rights.exporters",
    "ent_lite.rights.retention",
    "ent_lite.school.erasure",
    "ent_lite.school.exporters",
    "ent_lite.school.retention",
)


def load() -> None:
    """Import every hook module (once: Python keeps imported modules)."""
    for name in HOOK_MODULES:
        import_module(name)

"""Erasure of consent records.

A guardian's records are kept: they prove what was agreed for a child who is still at school
(the 5-year limitation period of the consent_records retention), and the erasure service
reduces the account they point at to a tombstone. An erased child's records go with the child.
"""
from __future__ import annotations

from ent_lite.consents.models import PURGE_OPTION, ConsentRecord
from ent_lite.erasure.helpers import counts, delete_where
from ent_lite.erasure.signals import erasure_handler


@erasure_handler("child", "consent_record.child_id")
def erase_child_consents(child, **_) -> dict[str, int]:
    return counts(consent_record=delete_where(ConsentRecord, ConsentRecord.child_id == child.id,
                                              **{PURGE_OPTION: True}))

"""Erasure of form answers.

A guardian's answer for a child (or for a family) that another guardian of the same children
still shares stays, without its respondent: it is the family's answer, not only this
guardian's. An answer no remaining guardian shares is deleted with its values.
An erased child's answers are deleted.
"""
from __future__ import annotations

from sqlalchemy import select, update

from ent_lite.erasure.helpers import counts, delete_where
from ent_lite.erasure.signals import erasure_handler
from ent_lite.extensions import db
from ent_lite.forms.models import Answer, Response


def _delete_responses(ids: list[int]) -> dict[str, int]:
    if not ids:
        return {}
    return counts(
        form_answer=delete_where(Answer, Answer.response_id.in_(ids)),
        form_response=delete_where(Response, Response.id.in_(ids)),
    )


@erasure_handler("user", "form_response.respondent_id")
def erase_guardian_answers(user, *, shared_child_ids, **_) -> dict[str, int]:
    kept, deleted = [], []
    for response_id, child_id in db.session.execute(
            select(Response.id, Response.child_id).where(Response.respondent_id == user.id)):
        # A family answer (no child) is shared when any of the guardian's children is.
        is_shared = child_id in shared_child_ids if child_id is not None else bool(shared_child_ids)
        (kept if is_shared else deleted).append(response_id)
    result = _delete_responses(deleted)
    if kept:
        db.session.execute(update(Response).where(Response.id.in_(kept)).values(respondent_id=None))
        result["form_response"] = result.get("form_response", 0) + len(kept)
    return result


@erasure_handler("child", "form_response.child_id")
def erase_child_answers(child, **_) -> dict[str, int]:
    ids = list(db.session.scalars(select(Response.id).where(Response.child_id == child.id)))
    return _delete_responses(ids)

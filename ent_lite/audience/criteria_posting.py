"""Posting to criteria: who may, and the rule written once per publish.

Only a city agent, for their own city, speaking for their service (the sender of their other
city audiences, ``rules.postable_targets``). The rule REPLACES the standard audience: a post
sent to criteria has exactly one audience row, ("rule", "<id>"). A rule is used by one post:
``rule_targets`` accepts only a rule not yet attached, and ``attach_rules`` ties it to the post
it was written for. When that post is deleted its rule is detached (post_id null) and kept for
the post's cancelled event until the purge (``agenda.retention.due_rules``); a rule key only ever
comes from the rule this publish has just stored (no form offers one), so a detached rule is
never reattached.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update

from ent_lite.accounts.models import Role
from ent_lite.audience import keys as audience_keys
from ent_lite.audience.criteria import Criteria, store_rule
from ent_lite.audience.keys import Key
from ent_lite.audience.models import AudienceRule
from ent_lite.extensions import db
from ent_lite.rules import PostTarget, postable_targets


def criteria_sender(user) -> int | None:
    """The service a city agent sends criteria posts from; None for anyone else."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.CITY_AGENT:
        return None
    return next((t.establishment_id for t in postable_targets(user) if t.kind == audience_keys.ALL), None)


def rule_target(rule: AudienceRule, sender_id: int) -> PostTarget:
    return PostTarget(audience_keys.RULE, str(rule.id), "", sender_id)


def post_to_criteria(user, criteria: Criteria, now: datetime) -> PostTarget:
    """Store the rule for a post about to be written; ``PermissionError`` if the user may not."""
    sender = criteria_sender(user)
    if sender is None or criteria.is_empty:
        raise PermissionError("only a city agent posts to criteria")
    return rule_target(store_rule(user.city_id, criteria, now), sender)


def rule_targets(author, keys: Iterable[Key]) -> dict[Key, PostTarget]:
    """The rule keys among ``keys`` this author may post to (their city's, not yet used)."""
    ids = sorted({int(value) for kind, value in keys if kind == audience_keys.RULE and value.isdigit()})
    sender = criteria_sender(author) if ids else None
    if sender is None:
        return {}
    rules = db.session.scalars(select(AudienceRule).where(
        AudienceRule.id.in_(ids), AudienceRule.city_id == author.city_id, AudienceRule.post_id.is_(None))).all()
    return {audience_keys.rule_key(rule.id): rule_target(rule, sender) for rule in rules}


def attach_rules(post) -> None:
    """Tie the post's rules to it (``delete_post`` detaches them, or deletes those no event uses)."""
    ids = sorted(int(a.value) for a in post.audience if a.kind == audience_keys.RULE and a.value.isdigit())
    if ids:
        db.session.execute(update(AudienceRule).where(AudienceRule.id.in_(ids), AudienceRule.post_id.is_(None))
                           .values(post_id=post.id))


def chosen_audience(form, user, now: datetime) -> list:
    """The audience of a composer's submit: its criteria as a new rule when filled (they
    replace the audience chosen above), else the audiences ticked."""
    criteria = form.criteria() if getattr(form, "criteria_offered", False) else Criteria()
    if criteria.is_empty:
        return form.chosen_targets()
    return [post_to_criteria(user, criteria, now)]


def sent_to_criteria(post) -> bool:
    """Whether the post's audience is a rule (its audience then stays as written)."""
    return any(a.kind == audience_keys.RULE for a in post.audience)

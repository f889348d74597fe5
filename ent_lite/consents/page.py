"""What the consents page shows: one card per child, each consent a sentence saying what it allows.

The decisions and their states come from ``services.overview`` (the same records the rest of
ent_lite enforces); this module only words them for a parent and leaves out what cannot
concern a child: a photo audience "class" or "school" for a child in no group this school year
(no family shares a class with them, no school is theirs). The page then needs one more query,
for the school of every child at once.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.consents import services
from ent_lite.consents.services import CITY_INFORMATION, PHOTO_PUBLICATION, ConsentItem
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.models import Child, Enrolment, Establishment, Group, GroupKind
from ent_lite.school.services import current_school_year

# The audiences that need the child to be in a group this school year.
NEEDS_A_GROUP = {"class", "school"}


def anchor(child: Child | None, purpose_key: str, audience: str | None) -> str:
    """The id of a consent on the page, where the page returns after a decision."""
    owner = child.public_id if child is not None else "own"
    return f"consent-{owner}-{purpose_key}-{audience or 'all'}"


@dataclass(frozen=True)
class Line:
    """One consent as the page shows it: a sentence, the state in words, one toggle."""

    item: ConsentItem
    sentence: str

    @property
    def anchor(self) -> str:
        return anchor(self.item.child, self.item.purpose.key, self.item.audience)

    @property
    def next_decision(self) -> str:
        """What the one button does: withdraw what this guardian allowed, else allow."""
        return "withdraw" if self.item.mine else "grant"


@dataclass(frozen=True)
class PurposeBlock:
    purpose: object  # register.Purpose
    both_needed: bool
    lines: list[Line]


@dataclass(frozen=True)
class ChildCard:
    child: Child
    may_decide: bool
    blocks: list[PurposeBlock]


def child_schools(child_ids: Iterable[int], school_year: str) -> dict[int, str]:
    """{child id: the name of the school of their class this year (else of another group)} in one query."""
    ids = sorted(set(child_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Enrolment.child_id, Group.kind, Establishment.name)
        .join(Group, Group.id == Enrolment.group_id).join(Establishment, Establishment.id == Group.establishment_id)
        .where(Enrolment.child_id.in_(ids), Group.school_year == school_year)
        .order_by(Enrolment.child_id, Group.kind != GroupKind.CLASS, Establishment.name))
    found: dict[int, str] = {}
    for child_id, _kind, name in rows:
        found.setdefault(child_id, name)  # the class's school comes first
    return found


def applies(item: ConsentItem, schools: dict[int, str]) -> bool:
    """Whether a consent can concern this child at all (see the module's docstring). One that is
    given or in effect is always shown: in September, before the new classes are imported, a
    parent must still be able to withdraw it (withdrawing takes no more steps than granting)."""
    if item.child is None or item.audience not in NEEDS_A_GROUP or item.mine or item.active:
        return True
    return item.child.id in schools


def sentence(item: ConsentItem, school: str | None) -> str:
    """What agreeing allows, about this child, in one sentence."""
    name = item.child.first_name if item.child is not None else ""
    if item.purpose.key == PHOTO_PUBLICATION:
        if item.audience == "class":
            return _("Class photos where %(name)s appears can be shown to the families of the same class "
                     "or group.", name=name)
        if item.audience == "school":
            return _("Photos where %(name)s appears can be shown to all the families of the school "
                     "(%(school)s).", name=name, school=school)
        return _("Photos where %(name)s appears can be shown to all the families of the city and in the "
                 "city's publications.", name=name)
    if item.purpose.key == CITY_INFORMATION:
        return _("The city may send you its news about activities and services for families.")
    return str(item.purpose.description)


def _blocks(items: list[ConsentItem], schools: dict[int, str]) -> list[PurposeBlock]:
    blocks: dict[str, PurposeBlock] = {}
    for item in items:
        if not applies(item, schools):
            continue
        block = blocks.setdefault(item.purpose.key, PurposeBlock(
            item.purpose, item.purpose.consent.guardians_required == "both" and item.child is not None, []))
        school = schools.get(item.child.id) if item.child is not None else None
        block.lines.append(Line(item, sentence(item, school)))
    return list(blocks.values())


def consents_page(guardian: User, now: datetime | None = None) -> tuple[list[ChildCard], list[PurposeBlock]]:
    """The cards of the guardian's current children, and the consents about the guardian."""
    now = now or utcnow()
    children, own = services.overview(guardian, now)
    schools = child_schools((entry.child.id for entry in children), current_school_year(now))
    cards = [ChildCard(entry.child, entry.legal_authority, _blocks(entry.items, schools)) for entry in children]
    return cards, _blocks(own, schools)

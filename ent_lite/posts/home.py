"""The family home: what to do first, then the news, for all the children or one of them.

A guardian of three children in two schools plus the after-school service reads one mixed
list; the filter per child (plain links, ``?child=<public id>``) narrows both the "To do"
list and the news to one child. Only the reader's own current children are offered: a child
id from another family narrows to nobody, so the page shows nothing of that child and never
tells whether it exists.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

from ent_lite import rules
from ent_lite.audience.keys import ChildPlace
from ent_lite.notifications.todo import Item

# Enough for two lines on a phone and a little more on a wide screen; CSS clamps the rest.
EXCERPT_LENGTH = 160
_TAG = re.compile(r"<[^>]*>?")


@dataclass(frozen=True)
class ChildFilter:
    public_id: str
    label: str


@dataclass(frozen=True)
class Narrowed:
    """The reach the news is read through, and the child chosen (None: all the children)."""

    reach: rules.Reach
    child_id: int | None = None
    public_id: str | None = None

    def to_do(self, found: list[Item]) -> list[Item]:
        """The items of the "To do" list concerning the chosen child."""
        if self.public_id is None:
            return found
        return [item for item in found if self.child_id is not None and item.concerns(self.child_id)]


def child_filters(reach: rules.Reach) -> list[ChildFilter]:
    """One link per current child of a guardian with two or more ("Awa", "Léo"); two children
    with the same first name are told apart by their class."""
    places = reach.children.places()
    if len(places) < 2:
        return []
    names = [p.first_name for p in places]
    return [ChildFilter(reach.children.public_ids[p.child_id], _label(p, names.count(p.first_name) > 1))
            for p in places]


def _label(place: ChildPlace, ambiguous: bool) -> str:
    return f"{place.first_name} ({place.group_name})" if ambiguous and place.group_name else place.first_name


def narrowed(reach: rules.Reach, child_public_id: str | None) -> Narrowed:
    """The reader's reach seeing through one of their children, chosen by its public id."""
    if not child_public_id:
        return Narrowed(reach)
    child_id = next((c for c, p in reach.children.public_ids.items() if p == child_public_id), None)
    children = reach.children.only(child_id)
    return Narrowed(replace(reach, keys=children.keys, children=children), child_id, child_public_id)


def excerpt(body_html: str | None, length: int = EXCERPT_LENGTH) -> str:
    """The first words of a sanitised body as plain text, cut on a word ("…" when cut)."""
    text = " ".join(html.unescape(_TAG.sub(" ", body_html or "")).split())
    if len(text) <= length:
        return text
    cut = text[:length + 1]
    if " " in cut:
        cut = cut[:cut.rindex(" ")]
    else:
        cut = cut[:length]
    return cut.rstrip(" ,;:.!?-–—") + "…"

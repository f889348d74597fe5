"""The audience of a post as a short choice, for authors who may reach many audiences.

A teacher or animator posts to their own classes or groups: a few checkboxes. A director may
also post to the whole school, and a city agent to every school, district, level and the
whole city: dozens of checkboxes. For them the page asks first "the whole school / chosen
classes" (radio buttons, ``scope``) and shows the list to tick only under "chosen ..." (a
``<details>``, no JavaScript needed).

This only shapes the form: the choices are built from ``rules.postable_targets`` and resolve
to the same target tokens the form always checked (``PostForm.validate_targets``), so nobody
reaches more than before, and a forged value is refused there as any unknown token is.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ent_lite.audience import keys as audience_keys
from ent_lite.rules import PostTarget

PICK = "pick:"
# Broadest first: a single target of these kinds is one choice of its own.
DIRECT_ORDER = (audience_keys.ALL, audience_keys.NO_ACTIVITY, audience_keys.ESTABLISHMENT, audience_keys.DISTRICT,
                audience_keys.LEVEL, audience_keys.GROUP)
# Narrowest first: several targets of a kind are "chosen ..." with their list to tick.
PICK_ORDER = (audience_keys.GROUP, audience_keys.ESTABLISHMENT, audience_keys.DISTRICT, audience_keys.LEVEL)
PICK_LABELS = {
    audience_keys.GROUP: _l("Chosen classes"),
    audience_keys.ESTABLISHMENT: _l("Chosen schools"),
    audience_keys.DISTRICT: _l("Chosen districts"),
    audience_keys.LEVEL: _l("Chosen levels, in the whole city"),
}


@dataclass(frozen=True)
class Choice:
    """One radio button: a single audience (``targets`` empty) or a list to tick (``kind``)."""

    value: str
    label: str
    kind: str | None = None
    targets: tuple[PostTarget, ...] = ()

    @property
    def is_pick(self) -> bool:
        return self.kind is not None


def short_choices(targets: Sequence[PostTarget]) -> list[Choice]:
    """The radio choices for these targets; empty when one kind only (a plain list is short)."""
    by_kind: dict[str, list[PostTarget]] = {}
    for target in targets:
        by_kind.setdefault(target.kind, []).append(target)
    if len(by_kind) < 2:
        return []
    direct = [Choice(by_kind[kind][0].token, str(by_kind[kind][0].label))
              for kind in DIRECT_ORDER if len(by_kind.get(kind, ())) == 1]
    picks = [Choice(PICK + kind, str(PICK_LABELS[kind]), kind, tuple(by_kind[kind]))
             for kind in PICK_ORDER if len(by_kind.get(kind, ())) > 1]
    return direct + picks


def resolve(choices: Iterable[Choice], scope: str | None, ticked: Sequence[str]) -> list[str]:
    """The target tokens a submit means: the chosen single audience, or the ticked ones of the
    chosen list. Without a choice (or an unknown one) the ticked tokens, or the value itself,
    go as they are to the form's check, which refuses what the author may not reach.

    Boxes ticked while a single audience (the whole school) stays chosen, an easy slip without
    JavaScript, mean the narrower audience: a post never reaches more families than ticked."""
    if not scope:
        return list(ticked)
    for choice in choices:
        if choice.value == scope:
            if not choice.is_pick:
                return list(ticked) or [scope]
            mine = {t.token for t in choice.targets}
            return [token for token in ticked if token in mine]
    return [scope]


def scope_of(choices: Iterable[Choice], ticked: Sequence[str]) -> str | None:
    """The choice that shows these tokens (editing, or a form sent back): None when they mix kinds."""
    ticked = list(dict.fromkeys(ticked))
    if not ticked:
        return None
    for choice in choices:
        if not choice.is_pick and ticked == [choice.value]:
            return choice.value
        if choice.is_pick and set(ticked) <= {t.token for t in choice.targets}:
            return choice.value
    return None

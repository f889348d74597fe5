"""The family's registration form: what it shows, what a submission lacks, and the submission.

Plain functions the ``register`` view calls, so the rules of the form are tested without a
request: ``form_page`` gathers the family's children, the bracket asked or declared and the
prices; ``submission_problems`` lists every problem of a submission in page order (one refused
child refuses the whole submission); ``submit`` declares the bracket when it was asked and
registers every ticked child (``registration.register``), and returns the lines the family
reads. The caller commits, or rolls back on ``registration.Refused``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ent_lite.activities import allocation, describe, family_bracket, registration
from ent_lite.activities.brackets import city_brackets
from ent_lite.activities.models import Activity, BracketDeclaration, QuotientBracket, RegistrationStatus
from ent_lite.activities.money import format_price
from ent_lite.school.models import Child


@dataclass
class FormPage:
    """What the form needs: ``asking`` when the bracket is asked (none declared for the
    activity's school year yet, or the family chose to change it)."""

    activity: Activity
    children: list[Child]
    declaration: BracketDeclaration | None
    asking: bool
    brackets: list[QuotientBracket]
    prices: dict[int, int]

    def bracket(self, chosen: str | None) -> QuotientBracket | None:
        """The bracket the submission uses: the one chosen when asked, else the declared one."""
        if not self.asking:
            return self.declaration.bracket
        return next((b for b in self.brackets if b.public_id == chosen), None)


def form_page(user, activity: Activity, *, bracket_change: bool) -> FormPage:
    """The form of ``activity`` for the guardian ``user`` (every child of the family, even
    those they cannot register: the page says why)."""
    declaration = family_bracket.declared(user.id, activity.school_year)
    return FormPage(activity=activity, children=registration.family_children(user, authority_only=False),
                    declaration=declaration, asking=declaration is None or bracket_change,
                    brackets=city_brackets(activity.city_id), prices=family_bracket.prices_by_bracket(activity))


def chosen_children(page: FormPage, ticked: Iterable[str]) -> list[Child] | None:
    """The family's children ticked, once each in the order ticked; None when an id is not one
    of the family's children (a child of another family, or a forged id)."""
    by_id = {child.public_id: child for child in page.children}
    ticked = list(dict.fromkeys(ticked))
    if any(child_id not in by_id for child_id in ticked):
        return None
    return [by_id[child_id] for child_id in ticked]


def rows(user, page: FormPage, now: datetime) -> list[tuple[Child, list[str]]]:
    """Each child of the family with why they cannot be registered (empty: a box to tick)."""
    return [(child, registration.problems(user, child, page.activity, now)) for child in page.children]


def named(child: Child | None, reason: str) -> str:
    """A problem as the summary shows it: with the child's first name when it is about one."""
    return _("%(child)s: %(reason)s", child=child.first_name, reason=reason) if child else reason


def submission_problems(user, page: FormPage, chosen: list[Child], notes: Mapping[str, str],
                        bracket_choice: str | None, bracket_errors: list[str],
                        now: datetime) -> list[tuple[str, str]]:
    """(anchor, message) of every problem of the submission, in page order.

    ``notes`` maps a child's public id to the note typed; ``bracket_errors`` are the form's own
    errors on the bracket field (when asked). The bracket used (chosen now or declared earlier)
    must have a price on this activity.
    """
    errors = []
    if not chosen:
        errors.append(("children", _("Tick at least one child to register.")))
    for child in chosen:
        errors += [(f"child-{child.public_id}", named(child, reason))
                   for reason in registration.problems(user, child, page.activity, now)]
    if page.asking and bracket_errors:
        errors.append(("bracket-0", " ".join(str(e) for e in bracket_errors)))
    else:
        bracket = page.bracket(bracket_choice)
        if bracket is not None and bracket.id not in page.prices:
            errors.append(("bracket-0" if page.asking else "bracket",
                           _("No price is set for this bracket: please contact the organiser.")))
    for child in chosen:
        if len(notes.get(child.public_id, "").strip()) > registration.NOTE_MAX_LENGTH:
            errors.append((f"note-{child.public_id}", named(child, _("Write at most %(max)d characters.",
                                                                     max=registration.NOTE_MAX_LENGTH))))
    return errors


def submit(user, page: FormPage, chosen: list[Child], notes: Mapping[str, str], bracket_choice: str | None,
           now: datetime) -> list[str]:
    """Declare the bracket when it was asked, register every child of ``chosen`` or none, and
    return one line per child for the family (place confirmed with its price, or the waiting
    list with the position). Raises ``registration.Refused``; the caller then rolls back."""
    bracket = page.bracket(bracket_choice)
    try:
        if page.asking:
            family_bracket.declare(user, bracket, page.activity.school_year, now)
        outcomes = registration.register(user, page.activity, chosen, bracket, page.prices[bracket.id],
                                         {child.id: notes.get(child.public_id, "") for child in chosen}, now)
    except IntegrityError as error:  # the bracket declared twice at once by two tabs
        raise registration.Refused([(None, _("Already registered for this activity."))]) from error
    return [_result_line(o.child.first_name, o.registration.status, allocation.waiting_position(o.registration),
                         o.registration.price_cents) for o in outcomes]


def refusal_problems(refused: registration.Refused) -> list[tuple[str, str]]:
    """(anchor, message) of a refused submission, for the error summary."""
    return [(f"child-{child.public_id}" if child else "children", named(child, reason))
            for child, reason in refused.reasons]


def _result_line(name: str, status: str, position: int | None, price: int | None) -> str:
    if status == RegistrationStatus.CONFIRMED:
        return _("%(child)s: place confirmed. Amount due: %(price)s.", child=name, price=format_price(price))
    return _("%(child)s — %(status)s.", child=name, status=describe.status_text(status, position))

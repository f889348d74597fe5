"""The administrator's decisions on guardians the roster import held (see roster_hold).

Three answers to "is this the person of the other row?": the same person (link the child to
that account), two different people (a new account with its activation code), or an email
address (the account with that address if its names are the same, else a new account with
it). Each decision links the child, deletes the review and writes one audit entry; only an
administrator of the review's city decides.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from ent_lite.accounts.activation import issue_activation_code
from ent_lite.accounts.email_change import find_user_for_login
from ent_lite.accounts.models import Role, User
from ent_lite.audit.services import record
from ent_lite.core.text import fold
from ent_lite.extensions import db
from ent_lite.school.models import Child, Enrolment, GuardianLink, RosterReview

DECISIONS = ("same", "different", "email")


class ReviewProblem(Exception):
    """A translated reason why the decision was not applied."""


class AlreadyDecided(ReviewProblem):
    """The review was decided by someone else meanwhile: there is nothing left to decide."""


@dataclass
class ReviewItem:
    review: RosterReview
    classes: list[str]  # the held row's child: class (school)
    candidate_children: list[str]  # what the other row's account already has


def _class_names(child: Child) -> list[str]:
    return [f"{e.group.name} ({e.group.establishment.name})" for e in child.enrolments]


def _children_of(user_ids: set[int]) -> dict[int, list[Child]]:
    """The children of each of these accounts, with their classes, in two queries for them all."""
    children: dict[int, list[Child]] = {user_id: [] for user_id in user_ids}
    if user_ids:
        rows = db.session.execute(
            select(GuardianLink.user_id, Child).join(Child, Child.id == GuardianLink.child_id)
            .where(GuardianLink.user_id.in_(user_ids)).order_by(Child.id)
            .options(selectinload(Child.enrolments).selectinload(Enrolment.group)))
        for user_id, child in rows:
            children[user_id].append(child)
    return children


def pending_reviews(admin: User) -> list[ReviewItem]:
    reviews = db.session.scalars(
        select(RosterReview).where(RosterReview.city_id == admin.city_id)
        .options(selectinload(RosterReview.child).selectinload(Child.enrolments).selectinload(Enrolment.group),
                 selectinload(RosterReview.candidate))
        .order_by(RosterReview.last_name, RosterReview.first_name, RosterReview.line, RosterReview.id)).all()
    children_of = _children_of({review.candidate_id for review in reviews if review.candidate is not None})
    return [ReviewItem(review, _class_names(review.child),
                       [f"{c.first_name} {c.last_name}, {', '.join(_class_names(c))}"
                        for c in children_of.get(review.candidate_id, [])])
            for review in reviews]


def find_review(admin: User, public_id: str) -> RosterReview | None:
    review = db.session.scalar(select(RosterReview).where(RosterReview.public_id == public_id))
    return review if review is not None and review.city_id == admin.city_id else None


def decide(admin: User, review: RosterReview, decision: str, email: str | None, now: datetime,
           valid_days: int) -> User:
    """Apply ``decision``; raises ReviewProblem (roll back: nothing changed) when it cannot be. Flushes."""
    if decision not in ("same", "different", "email"):
        raise ReviewProblem(_("Choose one of the answers."))
    # Claimed first: two administrators deciding at once must not both link or create an account.
    claimed = db.session.execute(delete(RosterReview).where(RosterReview.id == review.id)
                                 .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise AlreadyDecided(_("Another administrator has just decided for this guardian."))
    created = decision == "different"
    if decision == "same":
        user = _candidate(review)
    elif decision == "different":
        user = _new_guardian(review, None, now, valid_days)
    else:
        user, created = _by_email(review, email, now, valid_days)
    already = db.session.scalar(select(GuardianLink).where(GuardianLink.child_id == review.child_id,
                                                           GuardianLink.user_id == user.id))
    if already is None:
        db.session.add(GuardianLink(child_id=review.child_id, user_id=user.id, rank=review.rank,
                                    relation=review.relation, legal_authority=review.legal_authority))
    record("admin.roster_review", actor=admin, target=review.child, now=now,
           details={"decision": decision, "new_account": created})
    db.session.expunge(review)  # its row is gone (claimed above)
    db.session.flush()
    return user


def _candidate(review: RosterReview) -> User:
    user = review.candidate
    if user is None or user.role != Role.GUARDIAN or user.city_id != review.city_id:
        raise ReviewProblem(_("The other account no longer exists: choose another answer."))
    return user


def _new_guardian(review: RosterReview, email: str | None, now: datetime, valid_days: int) -> User:
    user = User(city_id=review.city_id, role=Role.GUARDIAN, first_name=review.first_name,
                last_name=review.last_name, email=email, phone=review.phone, password_hash=None, created_dt=now)
    db.session.add(user)
    db.session.flush()
    issue_activation_code(user, now, valid_days)
    return user


def _by_email(review: RosterReview, email: str | None, now: datetime, valid_days: int) -> tuple[User, bool]:
    """The account with this address (same names only), or a new one: (account, created)."""
    try:
        address = validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ReviewProblem(_("Enter an email address such as name@example.org.")) from None
    # An address waiting for its confirmation already logs its account in: it is that account's.
    owner = find_user_for_login(address)
    if owner is None:
        return _new_guardian(review, address, now, valid_days), True
    if owner.role != Role.GUARDIAN or owner.city_id != review.city_id:
        raise ReviewProblem(_("This email address belongs to a staff account."))
    if (fold(owner.last_name), fold(owner.first_name)) != (fold(review.last_name), fold(review.first_name)):
        raise ReviewProblem(_("This email address belongs to the account of another person (%(name)s).",
                              name=owner.display_name))
    return owner, False

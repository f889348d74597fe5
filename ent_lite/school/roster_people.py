"""Who is who among a roster's guardians: siblings share one account.

Same person = same email (case-insensitive), or the same names when no email
is given. A guardian written without email on one row and with an email on
another is the same person when exactly one address goes with those names.
Against existing accounts, a guardian without email is only recognised among
the guardians already linked to one of their children: two homonyms of the
city must never share an account (and each other's children).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from ent_lite.accounts.models import Role, User
from ent_lite.extensions import db
from ent_lite.school.models import Child
from ent_lite.school.roster import GuardianEntry, PupilEntry, fold


@dataclass
class Person:
    key: tuple
    entry: GuardianEntry  # first occurrence: the names kept for a new account
    email: str | None
    phone: str | None = None  # the last phone given wins
    places: list[tuple[int, int]] = field(default_factory=list)  # (line, rank)
    children: list[Child] = field(default_factory=list)  # existing children the person is listed for

    @property
    def name_key(self) -> tuple[str, str]:
        return self.entry.name_key


def group_people(entries: list[PupilEntry], matches: dict[int, Child]) -> list[Person]:
    emails_by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entry in entries:
        for guardian in entry.guardians:
            if guardian.email:
                emails_by_name[guardian.name_key].add(guardian.email)
    people: dict[tuple, Person] = {}
    for entry in entries:
        for guardian in entry.guardians:
            email = guardian.email
            if email is None and len(emails_by_name[guardian.name_key]) == 1:
                email = next(iter(emails_by_name[guardian.name_key]))
            key = ("email", email) if email else ("name", guardian.name_key)
            person = people.setdefault(key, Person(key, guardian, email))
            person.places.append((entry.line, guardian.rank))
            person.phone = guardian.phone or person.phone
            if entry.line in matches:
                person.children.append(matches[entry.line])
    return list(people.values())


def match_guardians(entries: list[PupilEntry], matches: dict[int, Child], state, summary,
                    now: datetime) -> tuple[dict[tuple[int, int], User], list[User]]:
    """Find or create the account of every guardian; returns {(line, rank): user} and the new users."""
    people = group_people(entries, matches)
    by_email = state.users_by_email
    found: dict[tuple, User] = {}
    claimed: set[int] = set()
    # An address is the strongest evidence: match those first, then namesakes already linked.
    for person in people:
        user = by_email.get(person.email) if person.email else None
        if user is not None:
            found[person.key] = user
            claimed.add(user.id)
    for person in people:
        if person.key not in found:
            user = _linked_namesake(person, state, claimed)
            if user is not None:
                found[person.key] = user
                claimed.add(user.id)
    users: dict[tuple[int, int], User] = {}
    new_users: list[User] = []
    for person in people:
        user = found.get(person.key)
        if user is None:
            user = _create_guardian(person, state, now)
            new_users.append(user)
        elif _update_guardian(user, person):
            summary.guardians_updated += 1
        for place in person.places:
            users[place] = user
    summary.guardians_created = len(new_users)
    return users, new_users


def _linked_namesake(person: Person, state, claimed: set[int]) -> User | None:
    candidates = {}
    for child in person.children:
        for link in child.guardian_links:
            user = state.users_by_id.get(link.user_id)
            if user is not None and user.id not in claimed and \
                    (fold(user.last_name), fold(user.first_name)) == person.name_key:
                candidates[user.id] = user
    return candidates[min(candidates)] if candidates else None


def _create_guardian(person: Person, state, now: datetime) -> User:
    user = User(city_id=state.city.id, role=Role.GUARDIAN, first_name=person.entry.first_name,
                last_name=person.entry.last_name, email=person.email, phone=person.phone,
                password_hash=None, created_dt=now)
    db.session.add(user)
    return user


def _update_guardian(user: User, person: Person) -> bool:
    changed = False
    if person.email and user.email is None:  # not activated yet: the roster's address is the one to use
        user.email = person.email
        changed = True
    if person.phone and user.phone != person.phone:
        user.phone = person.phone
        changed = True
    return changed

"""Who is who among a roster's guardians: siblings share one account, homonyms never do.

1. Same email (case-insensitive) = same person, across the whole city.
2. Without email, a guardian is recognised by their names only WITHIN ONE SCHOOL: two
   "Marie Martin" of two schools are two people. When exactly one address goes with those
   names in that school, the rows without it are that person (siblings whose mother's address
   is written once). An address given in another school is never borrowed.
3. Homonyms inside a school: each further row where the guardian has no email must be tied to
   a row already attributed to that person, else that guardian is held (``Held``) for an
   administrator to decide (same person, two people, or an email) instead of guessing; the
   rest of the file is imported. Two rows are tied when both give this guardian a phone
   number and the numbers are the same (two different numbers mean two people); otherwise when
   they name a common other guardian (same names); otherwise, when neither row names another
   guardian, when the two pupils share a last name (a single parent's children). Two rows that
   name different other guardians, or one that names one and one that does not, are not tied.
4. Against existing accounts, a guardian without email is only recognised among the guardians
   already linked to one of their children: two homonyms of the city must never share an
   account (and each other's children).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from ent_lite.accounts.models import Role, User
from ent_lite.core.text import fold
from ent_lite.extensions import db
from ent_lite.school.models import Child
from ent_lite.school.roster_model import GuardianEntry, PupilEntry


@dataclass
class Person:
    key: tuple
    entry: GuardianEntry  # first occurrence: the names kept for a new account
    email: str | None
    phone: str | None = None  # the last phone given wins
    places: list[tuple[int, int]] = field(default_factory=list)  # (line, rank)

    @property
    def name_key(self) -> tuple[str, str]:
        return self.entry.name_key


@dataclass(frozen=True, eq=False)  # compared by identity: one object per row and guardian
class _Seen:
    """One guardian on one row."""

    entry: PupilEntry
    guardian: GuardianEntry

    @property
    def others(self) -> set[tuple[str, str]]:
        return {g.name_key for g in self.entry.guardians if g is not self.guardian}

    @property
    def phone_digits(self) -> str:
        return "".join(ch for ch in self.guardian.phone or "" if ch.isdigit())


def _tied(a: _Seen, b: _Seen) -> bool:
    """Whether two rows naming a guardian with the same names are the same family (see rule 3)."""
    if a.phone_digits and b.phone_digits:
        return a.phone_digits == b.phone_digits
    if a.others or b.others:
        return bool(a.others & b.others)
    return fold(a.entry.last_name) == fold(b.entry.last_name)


@dataclass(frozen=True)
class Held:
    """A guardian without email who may be a namesake of the person of another row."""

    entry: PupilEntry
    guardian: GuardianEntry
    other: tuple[int, int]  # (line, rank) of the row the namesake was given to


def find_people(entries: list[PupilEntry]) -> tuple[list[Person], list[Held]]:
    """Group the roster's guardians into people; ``Held`` are the namesakes to tell apart."""
    by_school_name: dict[tuple, list[_Seen]] = defaultdict(list)
    for entry in entries:
        for guardian in entry.guardians:
            by_school_name[(fold(entry.school), guardian.name_key)].append(_Seen(entry, guardian))
    key_of: dict[tuple[int, int], tuple] = {}  # (line, rank) -> person key
    held: list[Held] = []
    for (school_key, name_key), seen in by_school_name.items():
        with_email = [s for s in seen if s.guardian.email]
        for s in with_email:
            key_of[(s.entry.line, s.guardian.rank)] = ("email", s.guardian.email)
        bare = [s for s in seen if not s.guardian.email]
        if not bare:
            continue
        emails = {s.guardian.email for s in with_email}
        if len(emails) > 1:  # which of them? Only an address on the row can say.
            held += [_held(s, with_email[0]) for s in bare]
            continue
        key = ("email", next(iter(emails))) if emails else ("name", school_key, name_key)
        attributed = with_email or bare[:1]
        for s in bare:
            if s not in attributed:
                if not any(_tied(s, other) for other in attributed):
                    held.append(_held(s, attributed[0]))
                    continue
                attributed.append(s)
            key_of[(s.entry.line, s.guardian.rank)] = key
    return _people(entries, key_of), held


def _held(seen: _Seen, other: _Seen) -> Held:
    return Held(seen.entry, seen.guardian, (other.entry.line, other.guardian.rank))


def _people(entries: list[PupilEntry], key_of: dict[tuple[int, int], tuple]) -> list[Person]:
    people: dict[tuple, Person] = {}
    for entry in entries:
        for guardian in entry.guardians:
            key = key_of.get((entry.line, guardian.rank))
            if key is None:  # held as a namesake: an administrator decides
                continue
            person = people.setdefault(key, Person(key, guardian, key[1] if key[0] == "email" else None))
            person.places.append((entry.line, guardian.rank))
            person.phone = guardian.phone or person.phone
    return list(people.values())


def match_guardians(people: list[Person], matches: dict[int, Child], state, summary,
                    now: datetime) -> tuple[dict[tuple[int, int], User], list[User]]:
    """Find or create the account of every person; returns {(line, rank): user} and the new users."""
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
            children = [matches[line] for line, _ in person.places if line in matches]
            user = _linked_namesake(person, children, state, claimed)
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


def _linked_namesake(person: Person, children: list[Child], state, claimed: set[int]) -> User | None:
    candidates = {}
    for child in children:
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

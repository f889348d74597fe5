"""Checking one roster row: each value, then what must hold across rows (duplicates, emails)."""
from __future__ import annotations

import re
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from ent_lite.core.text import fold
from ent_lite.school.models import LEVELS
from ent_lite.school.roster_model import (
    CHILD_COLUMNS, GUARDIAN_FIELDS, GUARDIAN_REQUIRED, PERISCOLAIRE_COLUMN, RANKS, GuardianEntry, PupilEntry,
    RosterError,
)

MAX_LENGTH = {"ecole": 200, "classe": 100, "nom_eleve": 100, "prenom_eleve": 100,
              "nom": 100, "prenom": 100, "lien": 40}
YES = {"oui", "o", "yes", "y", "1", "vrai", "true", "x"}
NO = {"non", "n", "no", "0", "faux", "false"}
DATE_RE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
PHONE_RE = re.compile(r"[0-9+() ./-]+")
MAX_AGE_YEARS = 20
PERISCOLAIRE_NAME_MAX = 302  # "Site / Groupe": an establishment name, " / ", a group name
TEXT_COLUMNS = tuple(name for name in CHILD_COLUMNS if name not in ("niveau", "date_naissance"))


class RowChecker:
    """Checks rows one by one, remembering what is needed to spot duplicates across rows."""

    def __init__(self, today: date):
        self.today = today
        self.children: dict[tuple, int] = {}
        self.emails: dict[str, tuple[tuple[str, str], int, str]] = {}

    def check(self, line: int, values: dict[str, str]) -> tuple[PupilEntry | None, list[RosterError]]:
        errors: list[RosterError] = []

        def fail(column, code, message):
            errors.append(RosterError(line, column, code, message))

        child = {name: self._text(values, name, fail, required=True) for name in TEXT_COLUMNS}
        level = self._level(values.get("niveau", ""), fail)
        birth = self._birth_date(values.get("date_naissance", ""), fail)
        guardians = [g for g in (self._guardian(values, rank, fail) for rank in RANKS) if g is not None]
        if len(guardians) == 2:
            first, second = guardians
            if (first.email and first.email == second.email) or first.name_key == second.name_key:
                fail("resp2_nom", "same_guardian", _l("The second guardian is the same person as the first."))
        for guardian in guardians:
            self._check_email_owner(line, guardian, fail)
        if birth and child["ecole"] and child["nom_eleve"] and child["prenom_eleve"]:
            key = (fold(child["ecole"]), fold(child["nom_eleve"]), fold(child["prenom_eleve"]), birth)
            seen = self.children.setdefault(key, line)
            if seen != line:
                fail(None, "duplicate_child", _l("This pupil already appears on line %(line)s.", line=seen))
        periscolaire = self._periscolaire(values.get(PERISCOLAIRE_COLUMN), fail)
        if errors:
            return None, errors
        return PupilEntry(line, child["ecole"], child["classe"], level, child["nom_eleve"],
                          child["prenom_eleve"], birth, tuple(guardians), periscolaire), errors

    @staticmethod
    def _text(values, name, fail, required: bool, limit_key: str | None = None) -> str:
        value = " ".join(values.get(name, "").split())
        if required and not value:
            fail(name, "required", _l("This field is required."))
        limit = MAX_LENGTH.get(limit_key or name)
        if limit and len(value) > limit:
            fail(name, "too_long", _l("This value is too long (at most %(n)s characters).", n=limit))
        return value

    @staticmethod
    def _periscolaire(value: str | None, fail) -> tuple[str, ...] | None:
        """The group names, each once; None when the file has no such column."""
        if value is None:
            return None
        names: dict[str, str] = {}
        for part in value.split(";"):
            name = " ".join(part.split())
            if len(name) > PERISCOLAIRE_NAME_MAX:
                fail(PERISCOLAIRE_COLUMN, "too_long",
                     _l("This value is too long (at most %(n)s characters).", n=PERISCOLAIRE_NAME_MAX))
            elif name:
                names.setdefault(fold(name), name)
        return tuple(names.values())

    @staticmethod
    def _level(value: str, fail) -> str:
        level = value.strip().upper()
        if not level:
            fail("niveau", "required", _l("This field is required."))
        elif level not in LEVELS:
            fail("niveau", "level", _l("Unknown level “%(value)s”: use one of %(levels)s.",
                                       value=value, levels=", ".join(LEVELS)))
        return level

    def _birth_date(self, value: str, fail) -> date | None:
        if not value:
            fail("date_naissance", "required", _l("This field is required."))
            return None
        match = DATE_RE.fullmatch(value)
        iso = ISO_DATE_RE.fullmatch(value)
        try:
            if match:
                day, month, year = (int(part) for part in match.groups())
            elif iso:
                year, month, day = (int(part) for part in iso.groups())
            else:
                raise ValueError(value)
            born = date(year, month, day)
        except ValueError:
            fail("date_naissance", "date", _l("Write the date as DD/MM/YYYY, for example 04/05/2019."))
            return None
        if born > self.today or born.year < self.today.year - MAX_AGE_YEARS:
            fail("date_naissance", "date", _l("This birth date is not plausible for a pupil."))
            return None
        return born

    def _guardian(self, values: dict[str, str], rank: int, fail) -> GuardianEntry | None:
        prefix = f"resp{rank}_"
        if rank > 1 and not any(values.get(prefix + f) for f in GUARDIAN_FIELDS):
            return None  # the second guardian is optional
        names = {f: self._text(values, prefix + f, fail, required=f in GUARDIAN_REQUIRED, limit_key=f)
                 for f in ("nom", "prenom", "lien")}
        authority = self._yes_no(values.get(prefix + "autorite_parentale", ""), prefix + "autorite_parentale", fail)
        email = self._email(values.get(prefix + "email", ""), prefix + "email", fail)
        phone = self._phone(values.get(prefix + "telephone", ""), prefix + "telephone", fail)
        if authority is None or not names["nom"] or not names["prenom"]:
            return None
        return GuardianEntry(rank, names["nom"], names["prenom"], names["lien"], authority, email, phone)

    @staticmethod
    def _yes_no(value: str, column: str, fail) -> bool | None:
        answer = fold(value)
        if answer in YES:
            return True
        if answer in NO:
            return False
        if not answer:
            fail(column, "required", _l("This field is required."))
        else:
            fail(column, "yes_no", _l("Write “oui” or “non”."))
        return None

    @staticmethod
    def _email(value: str, column: str, fail) -> str | None:
        if not value:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            fail(column, "email", _l("This email address is not valid."))
            return None

    @staticmethod
    def _phone(value: str, column: str, fail) -> str | None:
        value = " ".join(value.split())
        if not value:
            return None
        digits = sum(ch.isdigit() for ch in value)
        if not PHONE_RE.fullmatch(value) or not 6 <= digits <= 15 or len(value) > 30:
            fail(column, "phone", _l("This phone number is not valid."))
            return None
        return value

    def _check_email_owner(self, line: int, guardian: GuardianEntry, fail) -> None:
        """Same email = same person: two different names behind one address is an error."""
        if not guardian.email:
            return
        owner = self.emails.setdefault(guardian.email, (guardian.name_key, line,
                                                        f"{guardian.first_name} {guardian.last_name}"))
        if owner[0] != guardian.name_key:
            fail(f"resp{guardian.rank}_email", "email_conflict",
                 _l("This email address is given on line %(line)s for another person (%(name)s).",
                    line=owner[1], name=owner[2]))

"""The shape of a roster: its columns, one pupil's entry, one error."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ent_lite.core.text import fold

CHILD_COLUMNS = ("ecole", "classe", "niveau", "nom_eleve", "prenom_eleve", "date_naissance")
GUARDIAN_FIELDS = ("nom", "prenom", "lien", "autorite_parentale", "email", "telephone")
GUARDIAN_REQUIRED = ("nom", "prenom", "autorite_parentale")
RANKS = (1, 2)
# Optional: the child's periscolaire groups, "Site / Groupe" or a group name unique in the city,
# separated by ";". When the column is absent, an import leaves periscolaire enrolments alone.
PERISCOLAIRE_COLUMN = "groupes_periscolaires"
ALL_COLUMNS = (CHILD_COLUMNS + tuple(f"resp{r}_{f}" for r in RANKS for f in GUARDIAN_FIELDS)
               + (PERISCOLAIRE_COLUMN,))
REQUIRED_COLUMNS = CHILD_COLUMNS + tuple(f"resp1_{f}" for f in GUARDIAN_REQUIRED)


@dataclass(frozen=True)
class RosterError:
    """One problem; ``line`` is None for the whole file, ``column`` None for the whole row."""

    line: int | None
    column: str | None
    code: str  # stable key for scripts and tests
    message: object  # a lazy string, translated when displayed


@dataclass(frozen=True)
class GuardianEntry:
    rank: int
    last_name: str
    first_name: str
    relation: str
    legal_authority: bool
    email: str | None
    phone: str | None

    @property
    def name_key(self) -> tuple[str, str]:
        return fold(self.last_name), fold(self.first_name)


@dataclass(frozen=True)
class PupilEntry:
    line: int
    school: str
    class_name: str
    level: str
    last_name: str
    first_name: str
    birth_date: date
    guardians: tuple[GuardianEntry, ...]
    # None: the file has no periscolaire column; () : the child is in no periscolaire group.
    periscolaire: tuple[str, ...] | None = None

    @property
    def key(self) -> tuple:
        return fold(self.school), fold(self.last_name), fold(self.first_name), self.birth_date

"""The city's shape, decided before any row is written (pure functions of one random.Random):
schools of 100 to 300 children in districts, classes of about 25 by level, and families.

- A nursery school (maternelle) teaches PS, MS, GS; an elementary school CP to CM2; one
  school in three is a nursery school.
- A school has ceil(children / 25) classes: more classes than levels gives parallel classes
  ("CP A", "CP B"), fewer gives double-level classes ("CE2-CM1").
- Families: 70 % have one child at school, 20 % two, 10 % three (so about 30 % of families
  have siblings at school); 60 % have two guardians, so a child has 1.6 guardians on average.
  Siblings go to schools of the same district, as children of one home do.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from ent_lite.school.models import LEVELS

CLASS_SIZE = 25
MIN_SCHOOL, MAX_SCHOOL = 100, 300
NURSERY_LEVELS = LEVELS[:3]
ELEMENTARY_LEVELS = LEVELS[3:]
SCHOOLS_PER_DISTRICT = 6
FAMILY_SIZES = ((1, 0.7), (2, 0.2), (3, 0.1))
SECOND_GUARDIAN_SHARE = 0.6
CLASS_LETTERS = "ABCDEFGHIJ"


@dataclass
class ClassPlan:
    name: str
    levels: tuple[str, ...]
    seats: int
    children: list[int] = field(default_factory=list)  # indexes into CityPlan.children


@dataclass
class SchoolPlan:
    name: str
    district: str
    nursery: bool
    classes: list[ClassPlan]


@dataclass
class ChildPlan:
    first_name: str
    last_name: str
    level: str
    school: int
    klass: int  # index of the class in its school


@dataclass
class FamilyPlan:
    last_name: str
    guardians: list[tuple[str, str]]  # (first name, last name), the first with legal authority
    children: list[int] = field(default_factory=list)


@dataclass
class CityPlan:
    schools: list[SchoolPlan]
    children: list[ChildPlan]
    families: list[FamilyPlan]


def school_sizes(children: int, rng: random.Random) -> list[int]:
    """Sizes in [100, 300] summing to ``children`` (one smaller school when there are fewer
    than 100 children in all)."""
    count = max(1, round(children / 200))
    sizes = [children // count + (1 if n < children % count else 0) for n in range(count)]
    # Move children between pairs of schools, keeping both within bounds: uneven schools.
    for n in range(0, count - 1, 2):
        room = min(sizes[n] - MIN_SCHOOL, MAX_SCHOOL - sizes[n + 1], MAX_SCHOOL - sizes[n], sizes[n + 1] - MIN_SCHOOL)
        if room > 0:
            shift = rng.randint(-room, room)
            sizes[n] -= shift
            sizes[n + 1] += shift
    return sizes


def class_levels(seat_count: int, levels: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """(name, levels) of the classes of a school of ``seat_count`` children."""
    count = max(1, math.ceil(seat_count / CLASS_SIZE))
    if count < len(levels):
        grouped = [[] for _ in range(count)]
        for n, level in enumerate(levels):
            grouped[n * count // len(levels)].append(level)
        return [("-".join(g), tuple(g)) for g in grouped]
    per_level = [[] for _ in levels]
    for n in range(count):
        per_level[n * len(levels) // count].append(n)
    named = []
    for level, classes in zip(levels, per_level):
        for rank, _ in enumerate(classes):
            suffix = f" {CLASS_LETTERS[rank % len(CLASS_LETTERS)]}{rank // len(CLASS_LETTERS) or ''}" \
                if len(classes) > 1 else ""
            named.append((f"{level}{suffix}", (level,)))
    return named


def district_name(districts: list[str], n: int) -> str:
    """The n-th district: the list's names, then numbered again ("Nord 2") for a big city."""
    return districts[n % len(districts)] + (f" {n // len(districts) + 1}" if n >= len(districts) else "")


def plan_schools(children: int, rng: random.Random, school_names: list[str], districts: list[str]) -> list[SchoolPlan]:
    sizes = school_sizes(children, rng)
    district_count = max(1, math.ceil(len(sizes) / SCHOOLS_PER_DISTRICT))
    schools = []
    for n, size in enumerate(sizes):
        nursery = n % 3 == 2
        levels = NURSERY_LEVELS if nursery else ELEMENTARY_LEVELS
        kind = "maternelle" if nursery else "élémentaire"
        namesake = school_names[n % len(school_names)]
        name = f"École {kind} {namesake}" + (f" {n // len(school_names) + 1}" if n >= len(school_names) else "")
        shapes = class_levels(size, levels)
        seats = [size // len(shapes) + (1 if k < size % len(shapes) else 0) for k in range(len(shapes))]
        schools.append(SchoolPlan(name, district_name(districts, n % district_count), nursery,
                                  [ClassPlan(cname, clevels, s) for (cname, clevels), s in zip(shapes, seats)]))
    return schools


def plan_city(children: int, rng: random.Random, names) -> CityPlan:
    """Schools, then families filling their seats: siblings in one district."""
    schools = plan_schools(children, rng, names.SCHOOL_NAMESAKES, names.DISTRICTS)
    seats_by_district: dict[str, list[tuple[int, int]]] = {}
    for s, school in enumerate(schools):
        for c, klass in enumerate(school.classes):
            seats_by_district.setdefault(school.district, []).extend([(s, c)] * klass.seats)
    pools = list(seats_by_district.values())
    for pool in pools:
        rng.shuffle(pool)
    child_plans: list[ChildPlan] = []
    families: list[FamilyPlan] = []
    sizes, weights = zip(*FAMILY_SIZES)
    while any(pools):
        pool = rng.choice([p for p in pools if p])
        size = min(rng.choices(sizes, weights)[0], len(pool))
        last_name = rng.choice(names.LAST_NAMES)
        guardians = [(rng.choice(names.ADULT_WOMEN), last_name)]
        if rng.random() < SECOND_GUARDIAN_SHARE:
            guardians.append((rng.choice(names.ADULT_MEN), last_name if rng.random() < 0.8 else rng.choice(names.LAST_NAMES)))
        family = FamilyPlan(last_name, guardians)
        for _ in range(size):
            s, c = pool.pop()
            klass = schools[s].classes[c]
            first = rng.choice(names.GIRL_NAMES if rng.random() < 0.5 else names.BOY_NAMES)
            index = len(child_plans)
            child_plans.append(ChildPlan(first, last_name, rng.choice(klass.levels), s, c))
            klass.children.append(index)
            family.children.append(index)
        families.append(family)
    return CityPlan(schools, child_plans, families)

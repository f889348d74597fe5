"""The demo city's activities: brackets, a catalogue, registrations, attendance and a lottery.

Written directly with the models and the allocation functions (places taken by the same
conditional UPDATE as a family's registration), except the printed family's own registration,
made through ``activities.registration.register`` as the family's form does, so that it keeps
every rule a real one does (window, levels, clashes, parental authority). Deterministic: its
own ``random.Random``, so the rest of the demo city stays the same whatever is added here.
What the demo shows:
- the city's three family-quotient brackets, declared by the registering families;
- the education service's activities, free and paid, first come: one running since two weeks
  with attendance taken, the printed family's child registered to it (so their calendar shows
  its weekly sessions, this week's among them, with the child's first name), one almost full
  with a waiting list, one full with a place offered to the printed family until tomorrow; the
  periscolaire site's own workshop;
- a lottery of three holiday stays, its requests open, with a few families' ranked choices.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.activities import allocation
from ent_lite.activities import registration as family_registration
from ent_lite.activities.lottery_rules import new_ticket
from ent_lite.activities.models import (
    Activity,
    ActivityPrice,
    ActivitySession,
    AllocationMode,
    Attendance,
    BracketDeclaration,
    Campaign,
    LotteryEntry,
    QuotientBracket,
    Registration,
    RegistrationNote,
    RegistrationStatus,
)
from ent_lite.core.localtime import local_to_utc, to_local
from ent_lite.extensions import db
from ent_lite.school.models import Child, Establishment, EstablishmentKind
from ent_lite.school.services import current_school_year

ELEMENTARY = ("CP", "CE1", "CE2", "CM1", "CM2")
# (label, lowest monthly quotient, highest): the brackets' bounds, in euros.
BRACKETS = (("A", None, 600), ("B", 601, 1200), ("C", 1201, None))


@dataclass(frozen=True)
class Spec:
    title: str
    category: str
    description: str
    place: str
    prices: tuple[int, int, int]   # cents per bracket A, B, C
    capacity: int
    first_in_days: int             # from today; negative: started already
    sessions: int
    start: time
    levels: str = ",".join(ELEMENTARY)
    confirmed: int = 0             # children given a place
    waiting: int = 0               # then children on the waiting list
    periscolaire: bool = False
    # The printed family joins the waiting list first; yesterday a family cancelled and the
    # place was offered to them, so the demo shows an offer waiting for an answer.
    offer: bool = False
    # The printed family registered their child when registration opened (a confirmed place):
    # a session every week, this week's included, in the family's calendar.
    showcase: bool = False


CATALOGUE = (
    Spec("Multisport du mercredi", "sport", "Jeux de ballon, course d'orientation et parcours d'agilité, "
         "encadrés par les éducateurs sportifs de la ville.", "Gymnase Pierre de Coubertin", (0, 200, 400), 16, -14, 8,
         time(14), confirmed=12, showcase=True),
    Spec("Atelier théâtre", "culture", "Improvisation, voix et mise en scène ; petite représentation pour les "
         "familles à la dernière séance.", "Maison des associations", (300, 600, 900), 10, 9, 6, time(14, 30),
         levels="CE2,CM1,CM2", confirmed=10, waiting=3),
    Spec("Piscine découverte", "sport", "Se sentir à l'aise dans l'eau, avec un maître-nageur. Prévoir maillot "
         "et bonnet.", "Piscine municipale", (150, 300, 450), 8, 12, 5, time(10), confirmed=8, waiting=2, offer=True),
    Spec("Éveil nature au parc", "nature", "Observer les oiseaux et les insectes, fabriquer un abri à hérissons.",
         "Parc de la Roseraie", (0, 0, 0), 15, 20, 3, time(9, 30), confirmed=4),
    Spec("Conseil municipal des enfants", "civic", "Découvrir la mairie et proposer un projet pour le quartier.",
         "Hôtel de ville, salle du conseil", (0, 0, 0), 20, 25, 4, time(16, 45), levels="CM1,CM2", confirmed=3),
    Spec("Atelier cuisine du soir", "other", "Préparer un goûter de saison, apprendre les gestes d'hygiène.",
         "Accueil périscolaire Jean Jaurès", (100, 200, 300), 10, 6, 4, time(17), levels="CP,CE1,CE2,CM1",
         confirmed=6, periscolaire=True),
)
STAYS = (
    ("Séjour montagne", "Randonnée, cabane et veillées au chalet de la Ville, 5 jours."),
    ("Séjour bord de mer", "Voile, pêche à pied et château de sable, 5 jours."),
    ("Séjour à la ferme", "Soigner les animaux, traire les chèvres, faire du pain, 4 jours."),
)
NOTES = ("Allergie aux arachides : trousse dans le sac.", "Asthme : ventoline dans la poche avant.",
         "Ne sait pas encore nager.")


def seed_activities(city_id: int, agent: User, animator: User, showcase: User,
                    children_by_class: dict, now: datetime) -> None:
    rng = random.Random(20261)
    year = current_school_year(now)
    service = _establishment(city_id, EstablishmentKind.SERVICE, agent)
    site = _establishment(city_id, EstablishmentKind.PERISCOLAIRE, animator)
    brackets = [QuotientBracket(city_id=city_id, position=i, label=label, min_quotient=low, max_quotient=high)
                for i, (label, low, high) in enumerate(BRACKETS)]
    db.session.add_all(brackets)
    db.session.flush()
    pupils = sorted((c for children in children_by_class.values() for c in children if c.level in ELEMENTARY),
                    key=lambda c: c.id)
    showcase_child = next((c for c in pupils if any(link.user_id == showcase.id for link in c.guardian_links)), None)
    declared: dict[int, QuotientBracket] = {}

    def bracket_of(guardian: User) -> QuotientBracket:
        if guardian.id not in declared:
            declared[guardian.id] = rng.choice(brackets)
            db.session.add(BracketDeclaration(user_id=guardian.id, bracket_id=declared[guardian.id].id,
                                              school_year=year, declared_dt=now - timedelta(days=20)))
        return declared[guardian.id]

    for spec in CATALOGUE:
        organiser, author = (site, animator) if spec.periscolaire else (service, agent)
        activity = _activity(spec, city_id, organiser, author, brackets, now)
        fits = [c for c in pupils if c.level in spec.levels.split(",") and c is not showcase_child]
        chosen = rng.sample(fits, min(spec.confirmed + spec.waiting, len(fits)))
        if spec.offer and showcase_child is not None:
            chosen.insert(spec.confirmed, showcase_child)
        registrations = [_register(activity, child, bracket_of, now - timedelta(days=30 - index))
                         for index, child in enumerate(chosen)]
        for registration, body in zip(registrations, NOTES[:2]):
            db.session.add(RegistrationNote(registration_id=registration.id, body=body,
                                            created_dt=registration.created_dt))
        if spec.offer:
            _cancel_and_offer(registrations[spec.confirmed - 1], now - timedelta(hours=22))
        if spec.showcase and showcase_child is not None:
            _register_showcase(activity, showcase, showcase_child, bracket_of(showcase), activity.opens_dt)
        _attendance(activity, agent, rng, now)
    _campaign(city_id, service, agent, brackets, pupils, bracket_of, rng, now)
    db.session.flush()


def _establishment(city_id: int, kind: str, member: User) -> Establishment:
    ids = {m.establishment_id for m in member.memberships}
    return db.session.scalar(select(Establishment).where(
        Establishment.city_id == city_id, Establishment.kind == kind, Establishment.id.in_(ids)))


def _activity(spec: Spec, city_id: int, organiser: Establishment, author: User, brackets, now: datetime,
              campaign: Campaign | None = None) -> Activity:
    first_day = to_local(now).date() + timedelta(days=spec.first_in_days)
    starts = [local_to_utc(first_day + timedelta(weeks=week), spec.start) for week in range(spec.sessions)]
    activity = Activity(
        city_id=city_id, establishment_id=organiser.id, author_id=author.id, campaign_id=campaign.id if campaign else None,
        title=spec.title, description=spec.description, category=spec.category, place=spec.place,
        levels=spec.levels, capacity=spec.capacity,
        mode=AllocationMode.LOTTERY if campaign else AllocationMode.FIRST_COME,
        opens_dt=None if campaign else now - timedelta(days=30), closes_dt=None if campaign else starts[0],
        cancel_until_dt=starts[0] - timedelta(days=2), school_year=current_school_year(starts[0]),
        first_day=first_day, last_session_dt=starts[-1] + timedelta(hours=2),
        published_dt=now - timedelta(days=31), created_dt=now - timedelta(days=32), updated_dt=now - timedelta(days=32))
    db.session.add(activity)
    db.session.flush()
    for start in starts:
        db.session.add(ActivitySession(activity_id=activity.id, starts_dt=start, ends_dt=start + timedelta(hours=2)))
    for bracket, cents in zip(brackets, spec.prices):
        db.session.add(ActivityPrice(activity_id=activity.id, bracket_id=bracket.id, amount_cents=cents))
    db.session.flush()
    return activity


def _guardian(child: Child) -> User:
    return child.guardian_links[0].user


def _new_registration(activity: Activity, child: Child, bracket_of, when: datetime, **values) -> Registration:
    guardian = _guardian(child)
    bracket = bracket_of(guardian)
    price = next(p.amount_cents for p in activity.prices if p.bracket_id == bracket.id)
    registration = Registration(activity_id=activity.id, child_id=child.id, guardian_id=guardian.id,
                                bracket_id=bracket.id, price_cents=price, created_dt=when, updated_dt=when, **values)
    db.session.add(registration)
    db.session.flush()
    return registration


def _register(activity: Activity, child: Child, bracket_of, when: datetime) -> Registration:
    registration = _new_registration(activity, child, bracket_of, when, status=RegistrationStatus.REQUESTED)
    allocation.place_first_come(registration, when)
    return registration


def _register_showcase(activity: Activity, guardian: User, child: Child, bracket: QuotientBracket,
                       when: datetime) -> None:
    """The printed parent registers their child the day registration opens, as the form does."""
    price = next(p.amount_cents for p in activity.prices if p.bracket_id == bracket.id)
    (outcome,) = family_registration.register(guardian, activity, [child], bracket, price, {}, when)
    if outcome.registration.status != RegistrationStatus.CONFIRMED:
        raise RuntimeError(f"the demo's {activity.title!r} has no free place left for the printed family")


def _cancel_and_offer(registration: Registration, when: datetime) -> None:
    """A family cancels; the place goes to the first child waiting, as an offer with a deadline."""
    registration.status = RegistrationStatus.CANCELLED
    registration.updated_dt = when
    allocation.release_place(registration.activity_id)
    allocation.offer_free_places(registration.activity_id, when)


def _attendance(activity: Activity, agent: User, rng: random.Random, now: datetime) -> None:
    """The sessions already held: most children came."""
    held = [s for s in activity.sessions if s.ends_dt < now]
    if not held:
        return
    confirmed = db.session.scalars(select(Registration.id).where(
        Registration.activity_id == activity.id, Registration.status == RegistrationStatus.CONFIRMED)).all()
    for session in held:
        for registration_id in confirmed:
            db.session.add(Attendance(session_id=session.id, registration_id=registration_id,
                                      present=rng.random() < 0.9, recorded_dt=session.starts_dt + timedelta(minutes=10),
                                      recorded_by_id=agent.id))


def _campaign(city_id: int, service: Establishment, agent: User, brackets, pupils: list[Child], bracket_of,
              rng: random.Random, now: datetime) -> None:
    """Three holiday stays drawn by lot; requests open until ten days from now."""
    campaign = Campaign(city_id=city_id, establishment_id=service.id, slug=f"sejours-{to_local(now).year}",
                        title="Séjours de vacances", opens_dt=now - timedelta(days=3),
                        closes_dt=now + timedelta(days=10), created_dt=now - timedelta(days=5))
    db.session.add(campaign)
    db.session.flush()
    stays = [_activity(Spec(title, "holiday_stay", description, "Départ devant l'hôtel de ville", (5000, 9000, 14000),
                            12, 70 + 7 * index, 1, time(9), levels="CE1,CE2,CM1,CM2"), city_id, service, agent, brackets,
                       now, campaign) for index, (title, description) in enumerate(STAYS)]
    for child in rng.sample([c for c in pupils if c.level != "CP"], 9):
        guardian = _guardian(child)
        db.session.add(LotteryEntry(campaign_id=campaign.id, child_id=child.id, ticket=new_ticket(rng),
                                    created_dt=now - timedelta(days=2)))
        for rank, stay in enumerate(rng.sample(stays, rng.randint(1, 3)), start=1):
            db.session.add(Registration(activity_id=stay.id, child_id=child.id, guardian_id=guardian.id,
                                        campaign_id=campaign.id, choice_rank=rank, status=RegistrationStatus.REQUESTED,
                                        bracket_id=bracket_of(guardian).id, created_dt=now - timedelta(days=2),
                                        updated_dt=now - timedelta(days=2)))

"""Who sends, sees, acknowledges and cancels absence notices, and when the periscolaire still
takes one. Plain functions; what depends on the time takes ``now``. Deny by default.

| who | may |
|---|---|
| guardian | any guardian linked to a current child, with legal authority or not, warns the school and the periscolaire for that child (telling the school a child is away is no legal act: whoever knows should be able to say it); sees every notice about their current children, whoever sent it; cancels one until its last day ends |
| teacher | sees the notices sent to the school about the children of their classes this school year |
| director | the same for every class of their school |
| animator | sees the notices sent to the periscolaire about the children of their periscolaire groups, on the days of the group's kind |
| site lead | (an animator with a site-wide membership) the same for every group of their site |

A periscolaire group looks after its children on the days of its kind only
(``periscolaire.kinds.KIND_WEEKDAYS``, the holidays group during the city's school holidays):
a Monday absence is not shown to the Wednesday group's animators, a Wednesday one is. A group
without a kind yet gets the notices of every day until an admin or the site lead gives it one.
Seeing and acknowledging follow the same rule (acknowledging: on one of the notice's days).

Nobody else: not another teacher or animator, not a city agent, the admin or the DPO, never
another city. Staff acknowledge ("seen") what they see, for their side: teachers and directors
for the school, animators and site leads for the periscolaire.

Days are the city's local days. The school takes notices from today on, for a period of at most
``MAX_DAYS`` days. The periscolaire takes the same, except that for today each site takes them
strictly before its cutoff hour (``Establishment.absence_cutoff_or_default``, 16 h by default);
after it the family phones the site. A child at several sites: each site's own cutoff counts,
and a notice for today goes through only while every one of them is still open (the family is
told which site to call).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import and_, false, or_, select

from ent_lite import rules as audience_rules
from ent_lite.absences.models import AbsenceNotice
from ent_lite.accounts.models import Membership, Role, User
from ent_lite.core.localtime import day_end_utc, local_to_utc, to_local
from ent_lite.extensions import db
from ent_lite.periscolaire import services as periscolaire_services
from ent_lite.periscolaire.holidays import holiday_days
from ent_lite.periscolaire.kinds import kinds_on
from ent_lite.school.models import Child, Enrolment, Establishment, Group, GroupKind, GuardianLink
from ent_lite.school.services import current_school_year

MAX_DAYS = 31
SCHOOL = "school"
PERISCOLAIRE = "periscolaire"
# Which side a member of staff acknowledges for.
SIDE_OF_ROLE = {Role.TEACHER: SCHOOL, Role.DIRECTOR: SCHOOL, Role.ANIMATOR: PERISCOLAIRE}
STAFF_ROLES = tuple(SIDE_OF_ROLE)


def today(now: datetime) -> date:
    return to_local(now).date()


def school_year_of(day: date) -> str:
    return current_school_year(datetime(day.year, day.month, day.day))


# --- families ---------------------------------------------------------------------------------

def may_declare(user) -> bool:
    return audience_rules.role_of(user) == Role.GUARDIAN


def family_children(guardian):
    """SELECT of the current children this guardian may send a notice about."""
    if audience_rules.role_of(guardian) != Role.GUARDIAN:
        return select(Child).where(false())
    return select(Child).where(Child.left_dt.is_(None),
                               Child.guardian_links.any(GuardianLink.user_id == guardian.id))


def family_notices(guardian):
    """SELECT of the notices about this guardian's current children (unordered)."""
    return select(AbsenceNotice).where(AbsenceNotice.child_id.in_(family_children(guardian).with_only_columns(Child.id)))


def notice_is_live(notice: AbsenceNotice, now: datetime) -> bool:
    """Not cancelled, and its last day not over yet (city time)."""
    return notice.cancelled_dt is None and now < day_end_utc(notice.last_day)


def can_cancel(guardian, notice: AbsenceNotice, now: datetime) -> bool:
    """A guardian of the child, while the notice is live."""
    if not notice_is_live(notice, now):
        return False
    return bool(db.session.scalar(select(family_notices(guardian).where(AbsenceNotice.id == notice.id).exists())))


def periscolaire_sites(child, day: date) -> list[Establishment]:
    """The sites of the child's periscolaire groups in the school year of ``day``, by name."""
    return periscolaire_services.sites_of_children([child.id], school_year_of(day)).get(child.id, [])


def closes_at(site: Establishment, day: date) -> datetime:
    """The UTC instant the site stops taking notices for ``day`` (its local cutoff hour)."""
    return local_to_utc(day, site.absence_cutoff_or_default)


def closed_sites(child, day: date, now: datetime) -> list[Establishment]:
    """The child's sites that no longer take a notice for ``day``: all of them for a past day,
    those past their cutoff for today, none for a later day."""
    if day > today(now):
        return []
    sites = periscolaire_sites(child, day)
    if day < today(now):
        return sites
    return [site for site in sites if now >= closes_at(site, day)]


def periscolaire_open(child, day: date, now: datetime) -> bool:
    """Whether the periscolaire still takes a notice about ``child`` starting on ``day``: a later
    day always; today strictly before the cutoff of every site of the child; never a past day,
    nor a child with no periscolaire group that year."""
    if day < today(now):
        return False
    return bool(periscolaire_sites(child, day)) and not closed_sites(child, day, now)


def days_of(first_day: date, last_day: date) -> list[date]:
    return [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]


def periscolaire_runs(child, first_day: date, last_day: date) -> bool:
    """Whether one of the child's periscolaire groups looks after them on one of these days
    (its kind's days, ``periscolaire.kinds``; a group without a kind counts every day): a
    notice for days none runs would reach nobody, so the family is told instead."""
    days = days_of(first_day, last_day)
    holiday = holiday_days(child.city_id, first_day, last_day)
    by_year: dict[str, set[str]] = defaultdict(set)
    for day in days:
        by_year[school_year_of(day)].update(kinds_on(day, holiday[day]))
    when = [and_(Group.school_year == year, or_(Group.periscolaire_kind.in_(sorted(kinds)),
                                                 Group.periscolaire_kind.is_(None)))
            for year, kinds in sorted(by_year.items())]
    return bool(db.session.scalar(select(select(Enrolment.child_id).join(Group, Group.id == Enrolment.group_id).where(
        Enrolment.child_id == child.id, Group.kind == GroupKind.PERISCOLAIRE, or_(*when)).exists())))


def school_open(day: date, now: datetime) -> bool:
    """The school takes notices from today on (a teacher reads the list through the day)."""
    return day >= today(now)


def period_too_long(first_day: date, last_day: date) -> bool:
    return (last_day - first_day) >= timedelta(days=MAX_DAYS)


# --- staff -------------------------------------------------------------------------------------

def _staff_groups(user, days):
    """SELECT of the ids of the groups where this member of staff looks after children on one
    of ``days``: their own groups, and every group of the school or site they run
    (``ent_lite.rules.runs_membership``); classes on any day, periscolaire groups on the days
    of their kind (``periscolaire.kinds.kinds_on``, with the city's holidays)."""
    side = side_of(user)
    if side is None or not days:
        return select(Group.id).where(false())
    in_year: dict[str, set[str]] = defaultdict(set)
    holiday = holiday_days(user.city_id, min(days), max(days)) if side == PERISCOLAIRE else {}
    for day in days:
        in_year[school_year_of(day)].update(kinds_on(day, holiday[day]) if side == PERISCOLAIRE else ())
    if side == SCHOOL:
        when = [Group.school_year == year for year in sorted(in_year)]
    else:
        # A group without a kind yet (made before kinds existed) gets every notice: its days
        # are unknown, and a missed absence is worse than one line too many.
        when = [and_(Group.school_year == year, or_(Group.periscolaire_kind.in_(sorted(kinds)),
                                                     Group.periscolaire_kind.is_(None)))
                for year, kinds in sorted(in_year.items())]
    own = select(Membership.group_id).where(Membership.user_id == user.id, Membership.group_id.is_not(None))
    runs = (select(Membership.establishment_id).join(User, User.id == Membership.user_id)
            .where(Membership.user_id == user.id, audience_rules.runs_membership(select(Establishment.id))))
    return select(Group.id).where(Group.kind == group_kind_of(user), or_(*when) if when else false(),
                                  or_(Group.id.in_(own), Group.establishment_id.in_(runs)))


def looked_after_groups(user, day: date):
    """SELECT of the ids of the groups where this member of staff looks after children on ``day``."""
    return _staff_groups(user, [day])


def group_kind_of(user) -> str | None:
    """The kind of group whose children a member of staff looks after for absences."""
    return {SCHOOL: GroupKind.CLASS, PERISCOLAIRE: GroupKind.PERISCOLAIRE}.get(side_of(user))


def _staff_condition(user, days):
    side = side_of(user)
    if side is None:
        return false()
    sent_to = AbsenceNotice.to_school if side == SCHOOL else AbsenceNotice.to_periscolaire
    return and_(sent_to.is_(True), AbsenceNotice.child.has(Child.left_dt.is_(None)), AbsenceNotice.child_id.in_(
        select(Enrolment.child_id).where(Enrolment.group_id.in_(_staff_groups(user, days)))))


def visible_notices(user, day: date):
    """SELECT of the notices covering ``day`` that this member of staff sees (cancelled ones
    included: staff see them struck through)."""
    return select(AbsenceNotice).where(AbsenceNotice.first_day <= day, AbsenceNotice.last_day >= day,
                                       _staff_condition(user, [day]))


def side_of(user) -> str | None:
    return SIDE_OF_ROLE.get(audience_rules.role_of(user))


def may_see_absences(user) -> bool:
    return side_of(user) is not None


def can_acknowledge(user, notice: AbsenceNotice) -> bool:
    """Staff who see the notice on one of its days, while it is not cancelled."""
    if notice.cancelled_dt is not None or side_of(user) is None:
        return False
    days = days_of(notice.first_day, notice.last_day)
    return bool(db.session.scalar(select(select(AbsenceNotice.id).where(
        AbsenceNotice.id == notice.id, _staff_condition(user, days)).exists())))

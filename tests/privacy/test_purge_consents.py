"""The purge of consent records, erased guardians' tombstones and closed rights requests."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from ent_lite.accounts.models import User
from ent_lite.consents.models import ConsentRecord
from ent_lite.consents.services import child_states, set_consent
from ent_lite.dpo.models import RequestKind, RequestStatus, RightsRequest
from ent_lite.dpo.services import close_request, create_request
from ent_lite.erasure.services import TOMBSTONE_ROLE, erase_guardian
from ent_lite.extensions import db
from ent_lite.privacy import retention
from ent_lite.privacy.purge import purge_category
from ent_lite.school.models import Child
from tests.privacy.conftest import utc
from tests.queries import recorded_statements

DAY = timedelta(days=1)
FIVE_YEARS = 5 * 365 * DAY


def records() -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(ConsentRecord.id)))


def photo(guardian, child, granted, when, audience="class"):
    return set_consent(guardian, "photo_publication", granted, when, child=child, audience=audience).id


def test_the_consent_in_force_is_never_purged_and_only_the_same_decision_supersedes(world):
    a, a2, child = world.parent_a, world.parent_a2, world.child_a
    a_class = photo(a, child, True, utc(2020, 1, 6))
    a_school = photo(a, child, True, utc(2020, 1, 6), audience="school")
    a2_grant = photo(a2, child, True, utc(2020, 1, 7))
    a2_withdrawal = photo(a2, child, False, utc(2020, 2, 3))
    city = set_consent(a, "city_information", True, utc(2020, 1, 6)).id
    db.session.commit()
    states = child_states([child.id], "photo_publication")

    result = purge_category("consent_records", utc(2070, 1, 1))

    # Only the grant the other guardian withdrew ended; the latest decisions stay, so what
    # the application applies is unchanged.
    assert result.rows == 1
    assert records() == {a_class, a_school, a2_withdrawal, city}
    assert a2_grant not in records()
    assert child_states([child.id], "photo_publication") == states


def test_an_erased_guardians_records_and_tombstone_go_five_years_after_the_erasure(world):
    guardian, child = world.parent_b, world.child_b
    superseded = {set_consent(guardian, "city_information", True, utc(2024, 1, 8)).id,
                  set_consent(guardian, "city_information", False, utc(2024, 6, 3)).id}
    latest = {set_consent(guardian, "city_information", True, utc(2025, 1, 6)).id,
              photo(guardian, child, True, utc(2025, 1, 6))}
    erased = utc(2026, 1, 10)
    erase_guardian(guardian, now=erased, actor=None)
    db.session.commit()
    guardian_id = guardian.id
    assert db.session.get(User, guardian_id).role == TOMBSTONE_ROLE and records() == superseded | latest

    result = purge_category("consent_records", erased + FIVE_YEARS - DAY)
    # The first grant and the withdrawal ended when superseded; the latest records with the erasure.
    assert records() == latest
    assert db.session.get(User, guardian_id) is not None
    assert result.extra == {"tombstones": 0}

    result = purge_category("consent_records", erased + FIVE_YEARS + DAY)
    assert records() == set()
    assert db.session.get(User, guardian_id) is None
    assert (result.rows, result.extra) == (2, {"tombstones": 1})
    assert result.by_table == {"consent_record": 2, "user_account": 1}


def test_a_tombstone_something_else_still_points_at_is_kept(world):
    guardian = world.parent_b
    set_consent(guardian, "city_information", True, utc(2020, 1, 6))
    erase_guardian(guardian, now=utc(2020, 2, 3), actor=None)
    db.session.add(RightsRequest(kind=RequestKind.OTHER, city_id=guardian.city_id, requester_id=guardian.id,
                                 received_dt=utc(2020, 1, 6),
                                 due_dt=utc(2020, 2, 6)))
    db.session.commit()

    result = purge_category("consent_records", utc(2026, 1, 1))
    assert records() == set() and result.extra == {"tombstones": 0}
    assert db.session.get(User, guardian.id).role == TOMBSTONE_ROLE


def test_a_live_guardians_records_do_not_end_with_a_tombstone_elsewhere(world):
    kept = set_consent(world.parent_a, "city_information", True, utc(2020, 1, 6)).id
    set_consent(world.parent_b, "city_information", True, utc(2020, 1, 6))
    erase_guardian(world.parent_b, now=utc(2020, 2, 3), actor=None)
    db.session.commit()
    purge_category("consent_records", utc(2030, 1, 1))
    assert records() == {kept}


def test_records_of_a_child_whose_row_is_gone_are_purged(world):
    kept = photo(world.parent_a, world.child_a, True, utc(2026, 1, 5))
    photo(world.parent_b, world.child_b, True, utc(2026, 1, 5))
    db.session.commit()
    # A child removed without the erasure service (which deletes the records itself).
    db.session.execute(delete(Child).where(Child.id == world.child_b.id))
    db.session.commit()

    purge_category("consent_records", utc(2026, 2, 1))
    assert records() == {kept}


def test_an_override_shortens_the_proof_retention(world):
    grant = set_consent(world.parent_a, "city_information", True, utc(2026, 1, 5)).id
    set_consent(world.parent_a, "city_information", False, utc(2026, 3, 2))
    retention.set_override("consent_records", 365, utc(2026, 3, 2))
    db.session.commit()
    purge_category("consent_records", utc(2027, 3, 1))
    assert grant in records()
    purge_category("consent_records", utc(2027, 3, 3))
    assert grant not in records()


def test_consent_records_are_found_by_a_fixed_number_of_queries_and_go_in_batches(world):
    def statements(now, batch_size):
        with recorded_statements() as seen:
            result = purge_category("consent_records", now, batch_size=batch_size, dry_run=True)
        return result.rows, len(seen)

    set_consent(world.parent_a, "city_information", True, utc(2020, 1, 6))
    set_consent(world.parent_a, "city_information", False, utc(2020, 1, 7))
    db.session.commit()
    one = statements(utc(2026, 1, 1), 2)
    for day in range(8, 28):
        set_consent(world.parent_a, "city_information", day % 2 == 0, utc(2020, 1, day))
    db.session.commit()
    many = statements(utc(2026, 1, 1), 2)
    assert (one[0], many[0]) == (1, 21)
    assert one[1] == many[1]

    result = purge_category("consent_records", utc(2026, 1, 1), batch_size=2)
    assert result.rows == 21 and len(records()) == 1


# --- rights requests ------------------------------------------------------------------------------

def request(world, received, status=None, handled=None):
    found = create_request(world.parent_a, RequestKind.OBJECTION, "Je m'oppose.", received)
    if status:
        close_request(found, status, "Réponse.", world.dpo, handled)
    db.session.commit()
    return found.id


def test_a_refused_request_goes_five_years_after_it_was_closed_and_an_open_one_never(world):
    handled = utc(2026, 2, 2)
    refused = request(world, utc(2026, 1, 5), RequestStatus.REFUSED, handled)
    still_open = request(world, utc(2020, 1, 5))

    purge_category("rights_requests", handled + FIVE_YEARS - DAY)
    assert db.session.get(RightsRequest, refused) is not None
    result = purge_category("rights_requests", handled + FIVE_YEARS + DAY)
    db.session.expire_all()
    assert result.rows == 1 and db.session.get(RightsRequest, refused) is None
    assert db.session.get(RightsRequest, still_open) is not None
    assert db.session.scalar(select(func.count()).select_from(RightsRequest)) == 1

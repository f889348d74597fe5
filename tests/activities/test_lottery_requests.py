"""A family ranks stays for each child in one form, while the campaign is open."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import insert, select

from ent_lite.activities import allocation, family_bracket, lottery_requests
from ent_lite.activities.models import ActivityPrice, LotteryEntry, Registration
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.models import GuardianLink
from tests import factories
from tests.activities.factories import make_activity
from tests.activities.lottery_factories import declare, lottery_campaign

TICKET = re.compile(r"[A-HJ-KM-NP-Z2-9]{4}-[A-HJ-KM-NP-Z2-9]{4}")


def _url(campaign):
    return f"/activites/campagnes/{campaign.slug}/demande"


def _field(child, rank):
    return f"choice-{child.public_id}-{rank}"


def _ranking(child):
    return [(r.activity_id, r.choice_rank, r.status) for r in db.session.scalars(
        select(Registration).where(Registration.child_id == child.id).order_by(Registration.choice_rank))]


def test_a_guardian_ranks_stays_and_gets_a_ticket_then_changes_the_ranking(aw, login_as, english):
    campaign, (first, second), _ = lottery_campaign(aw)
    child = aw.world.child_a
    client = login_as(aw.world.parent_a, target=english)
    page = client.get(_url(campaign)).get_data(as_text=True)
    assert "1st choice" in page and "2nd choice" in page and "Séjour 1" in page
    assert "Your family-quotient bracket" in page
    done = client.post(_url(campaign), data={_field(child, 1): second.public_id, _field(child, 2): first.public_id,
                                             f"bracket-{first.school_year}": aw.brackets[0].public_id},
                       follow_redirects=True)
    assert "Your requests are saved." in done.get_data(as_text=True)
    assert _ranking(child) == [(second.id, 1, "requested"), (first.id, 2, "requested")]
    ticket = db.session.scalar(select(LotteryEntry.ticket).where(LotteryEntry.child_id == child.id))
    assert TICKET.fullmatch(ticket) and ticket in done.get_data(as_text=True)
    # Swapping the choices replaces the ranking and keeps the ticket.
    client.post(_url(campaign), data={_field(child, 1): first.public_id, _field(child, 2): second.public_id})
    db.session.expire_all()
    assert _ranking(child) == [(first.id, 1, "requested"), (second.id, 2, "requested")]
    assert db.session.scalar(select(LotteryEntry.ticket).where(LotteryEntry.child_id == child.id)) == ticket
    # No choice left: no request and no ticket.
    client.post(_url(campaign), data={_field(child, 1): "", _field(child, 2): ""})
    db.session.expire_all()
    assert _ranking(child) == [] and db.session.scalar(select(LotteryEntry.id)) is None


def test_several_children_of_one_family_in_one_form(aw, login_as):
    campaign, (first, second), _ = lottery_campaign(aw)
    world = aw.world
    sibling = factories.make_child(world.city, world.class_a, "Mia", "Lefèvre", guardians=(world.parent_b,))
    declare(aw, world.parent_b, first)
    client = login_as(world.parent_b)
    client.post(_url(campaign), data={_field(world.child_b, 1): first.public_id, _field(sibling, 1): second.public_id})
    assert _ranking(world.child_b) == [(first.id, 1, "requested")]
    assert _ranking(sibling) == [(second.id, 1, "requested")]
    assert len(db.session.scalars(select(LotteryEntry)).all()) == 2


def test_the_same_stay_twice_a_gap_or_an_ineligible_stay_is_refused_field_by_field(aw, login_as, english):
    campaign, (first, second), now = lottery_campaign(aw)
    ce1_only = make_activity(aw, title="Séjour CE1", levels="CE1", mode="lottery", campaign=campaign, now=now)
    child = aw.world.child_a  # CP
    client = login_as(aw.world.parent_a, target=english)
    assert "Séjour CE1" not in client.get(_url(campaign)).get_data(as_text=True)
    twice = client.post(_url(campaign), data={_field(child, 1): first.public_id, _field(child, 2): first.public_id})
    html = twice.get_data(as_text=True)
    assert "This stay is already one of Awa’s choices above" in html
    assert f'href="#{_field(child, 2)}"' in html  # the error summary links to the field
    assert f'<option value="{first.public_id}" selected>' in html  # what was chosen stays chosen
    gap = client.post(_url(campaign), data={_field(child, 1): "", _field(child, 2): second.public_id})
    assert "Fill in the choices in order, without a gap" in gap.get_data(as_text=True)
    forged = client.post(_url(campaign), data={_field(child, 1): ce1_only.public_id})
    assert "This stay is not open to Awa (age or school level)" in forged.get_data(as_text=True)
    assert _ranking(child) == [] and db.session.scalar(select(LotteryEntry.id)) is None


def test_another_familys_child_or_no_legal_authority_gets_no_request(aw, login_as):
    campaign, (first, _), _ = lottery_campaign(aw)
    world = aw.world
    client = login_as(world.parent_a)
    client.post(_url(campaign), data={_field(world.child_b, 1): first.public_id})
    assert _ranking(world.child_b) == []
    link = db.session.scalar(select(GuardianLink).where(GuardianLink.user_id == world.parent_a2.id))
    link.legal_authority = False
    db.session.commit()
    other = login_as(world.parent_a2)
    assert _field(world.child_a, 1) not in other.get(_url(campaign)).get_data(as_text=True)
    other.post(_url(campaign), data={_field(world.child_a, 1): first.public_id})
    assert _ranking(world.child_a) == []


def test_the_window_is_open_from_its_first_instant_to_just_before_closing(aw):
    campaign, _, _ = lottery_campaign(aw)
    tick = timedelta(microseconds=1)
    assert not lottery_requests.is_open(campaign, campaign.opens_dt - tick)
    assert lottery_requests.is_open(campaign, campaign.opens_dt)
    assert lottery_requests.is_open(campaign, campaign.closes_dt - tick)
    assert not lottery_requests.is_open(campaign, campaign.closes_dt)


def test_a_request_after_closing_changes_nothing(aw, login_as, english):
    campaign, (first, _), _ = lottery_campaign(aw, now=utcnow() - timedelta(days=2))
    client = login_as(aw.world.parent_a, target=english)
    page = client.post(_url(campaign), data={_field(aw.world.child_a, 1): first.public_id}, follow_redirects=True)
    assert "Requests for this campaign are closed: nothing was changed." in page.get_data(as_text=True)
    assert _ranking(aw.world.child_a) == []


def test_staff_and_the_other_city_do_not_reach_the_request_page(aw, login_as):
    campaign, (first, _), _ = lottery_campaign(aw)
    assert login_as(aw.world.teacher_a).get(_url(campaign)).status_code == 404
    far = login_as(aw.world.far.parent)
    assert far.get(_url(campaign)).status_code == 404
    assert far.post(_url(campaign), data={_field(aw.world.far.child, 1): first.public_id}).status_code == 404
    assert _ranking(aw.world.far.child) == []


def test_a_request_without_the_csrf_token_is_refused(aw, login_as):
    campaign, (first, _), _ = lottery_campaign(aw)
    client = login_as(aw.world.parent_a)
    response = client.post(_url(campaign), data={_field(aw.world.child_a, 1): first.public_id}, csrf=False)
    assert response.status_code == 400
    assert _ranking(aw.world.child_a) == []


def test_a_request_left_in_my_registrations_can_be_made_again(aw, login_as):
    campaign, (first, second), now = lottery_campaign(aw)
    child, guardian = aw.world.child_a, aw.world.parent_a
    declare(aw, guardian, first)
    client = login_as(guardian)
    client.post(_url(campaign), data={_field(child, 1): first.public_id, _field(child, 2): second.public_id})
    for registration in db.session.scalars(select(Registration).where(Registration.child_id == child.id)).all():
        assert allocation.cancel(registration, guardian, now)  # "Leave", in My registrations
    db.session.commit()
    # The same ranking again: the requests are made again, not kept cancelled.
    client.post(_url(campaign), data={_field(child, 1): first.public_id, _field(child, 2): second.public_id})
    db.session.expire_all()
    assert _ranking(child) == [(first.id, 1, "requested"), (second.id, 2, "requested")]
    allocation.cancel(db.session.scalar(select(Registration).where(Registration.activity_id == first.id)),
                      guardian, now)
    db.session.commit()
    # Another ranking reusing the cancelled row: requested again too.
    client.post(_url(campaign), data={_field(child, 1): second.public_id, _field(child, 2): first.public_id})
    db.session.expire_all()
    assert _ranking(child) == [(second.id, 1, "requested"), (first.id, 2, "requested")]


def test_two_tabs_saving_at_once_get_a_clear_message_not_an_error_page(aw, login_as, english, monkeypatch):
    campaign, (first, _), now = lottery_campaign(aw)
    child = aw.world.child_a
    declare(aw, aw.world.parent_a, first)
    real = lottery_requests.family_requests

    def other_tab_saves_meanwhile(*args):
        found = real(*args)  # read before the other tab's ticket is written
        db.session.execute(insert(LotteryEntry).values(campaign_id=campaign.id, child_id=child.id,
                                                       ticket="ABCD-2345", created_dt=now))
        return found

    client = login_as(aw.world.parent_a, target=english)
    monkeypatch.setattr(lottery_requests, "family_requests", other_tab_saves_meanwhile)
    page = client.post(_url(campaign), data={_field(child, 1): first.public_id}, follow_redirects=True)
    assert page.status_code == 200
    assert "Your requests were changed at the same moment from another window" in page.get_data(as_text=True)
    monkeypatch.undo()
    assert _ranking(child) == []  # nothing half-saved


def test_a_family_declares_its_bracket_on_the_request_page_and_the_price_is_frozen(aw, login_as, english):
    campaign, (first, _), now = lottery_campaign(aw)
    child, year = aw.world.child_a, first.school_year
    client = login_as(aw.world.parent_a, target=english)
    page = client.get(_url(campaign)).get_data(as_text=True)
    assert "Declared once for the school year" in page and "We never ask for your income." in page
    missing = client.post(_url(campaign), data={_field(child, 1): first.public_id}).get_data(as_text=True)
    assert "Choose your family-quotient bracket." in missing and f'href="#bracket-{year}"' in missing
    assert f'<option value="{first.public_id}" selected>' in missing  # the ranking is kept
    assert _ranking(child) == []
    bracket_b = aw.brackets[1]
    client.post(_url(campaign), data={_field(child, 1): first.public_id, f"bracket-{year}": bracket_b.public_id})
    request = db.session.scalar(select(Registration).where(Registration.child_id == child.id))
    price = db.session.scalar(select(ActivityPrice.amount_cents).where(ActivityPrice.activity_id == first.id,
                                                                      ActivityPrice.bracket_id == bracket_b.id))
    assert (request.status, request.bracket_id, request.price_cents) == ("requested", bracket_b.id, price)
    assert family_bracket.declared(aw.world.parent_a.id, year).bracket_id == bracket_b.id
    # Declared once for the year: not asked again (the other guardian of the child is asked for theirs).
    assert "Your family-quotient bracket" not in client.get(_url(campaign)).get_data(as_text=True)
    withdrawn = login_as(aw.world.parent_a2, target=english).post(
        _url(campaign), data={_field(child, 1): ""}, follow_redirects=True)  # no ranking: no bracket needed
    assert "Your requests are saved." in withdrawn.get_data(as_text=True) and _ranking(child) == []

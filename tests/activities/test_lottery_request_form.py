"""The lottery request form, called directly: the bracket asked once a year, a ranking saved
with its bracket, and a wrong submission that writes nothing and lists its errors in page order."""
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from ent_lite.activities import lottery_request_form
from ent_lite.activities.models import BracketDeclaration, LotteryEntry, Registration
from ent_lite.extensions import db
from tests.activities.lottery_factories import declare, lottery_campaign


@pytest.fixture(autouse=True)
def in_english(db):
    with force_locale("en"):
        yield


def field(child, rank):
    return f"choice-{child.public_id}-{rank}"


def test_the_page_asks_the_bracket_of_the_stays_year_until_declared(aw):
    campaign, (first, _second), now = lottery_campaign(aw)
    page = lottery_request_form.request_page(campaign, aw.world.parent_a, now)
    assert page.is_open and page.years == [first.school_year]
    assert [entry.child for entry in page.families] == [aw.world.child_a]
    assert page.current_choices() == {field(aw.world.child_a, 1): "", field(aw.world.child_a, 2): "",
                                      field(aw.world.child_a, 3): ""}
    declare(aw, aw.world.parent_a, first)
    assert lottery_request_form.request_page(campaign, aw.world.parent_a, now).years == []


def test_a_ranking_is_saved_with_the_bracket_chosen(aw):
    campaign, (first, second), now = lottery_campaign(aw)
    parent, child = aw.world.parent_a, aw.world.child_a
    page = lottery_request_form.request_page(campaign, parent, now)
    chosen, errors = lottery_request_form.submit(page, parent, {
        field(child, 1): second.public_id, field(child, 2): first.public_id,
        f"bracket-{first.school_year}": aw.brackets[1].public_id}, now)
    db.session.commit()
    assert errors == {}
    assert db.session.execute(select(Registration.activity_id, Registration.choice_rank, Registration.bracket_id)
                              .order_by(Registration.choice_rank)).all() == [
        (second.id, 1, aw.brackets[1].id), (first.id, 2, aw.brackets[1].id)]
    assert db.session.scalar(select(BracketDeclaration.bracket_id)) == aw.brackets[1].id
    assert db.session.scalar(select(LotteryEntry.child_id)) == child.id


def test_a_wrong_submission_writes_nothing_and_lists_its_errors_in_page_order(aw):
    campaign, (first, _second), now = lottery_campaign(aw)
    parent, child = aw.world.parent_a, aw.world.child_a
    page = lottery_request_form.request_page(campaign, parent, now)
    chosen, errors = lottery_request_form.submit(page, parent, {
        field(child, 1): first.public_id, field(child, 2): first.public_id}, now)
    db.session.commit()
    assert lottery_request_form.error_summary(page, chosen, errors) == [
        (field(child, 2), "This stay is already one of Awa’s choices above: choose another one "
                          "or leave this one empty."),
        (f"bracket-{first.school_year}", "Choose your family-quotient bracket."),
    ]
    assert db.session.scalar(select(Registration.id)) is None
    assert db.session.scalar(select(BracketDeclaration.id)) is None


def test_withdrawing_every_request_needs_no_bracket(aw):
    campaign, _stays, now = lottery_campaign(aw)
    page = lottery_request_form.request_page(campaign, aw.world.parent_a, now)
    assert lottery_request_form.submit(page, aw.world.parent_a, {}, now)[1] == {}

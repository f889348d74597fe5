"""The draw: after closing, once, priority tiers first, best-ranked stay with room, published."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select, update

from ent_lite.activities import lottery
from ent_lite.activities.models import (
    BracketDeclaration,
    LotteryEntry,
    Registration,
    RegistrationStatus,
)
from ent_lite.extensions import db
from ent_lite.notifications.models import NotificationEvent
from tests.activities.factories import make_activity
from tests.activities.lottery_factories import ask, lottery_campaign, more_families


def _statuses(child):
    return {r.activity_id: r.status for r in db.session.scalars(select(Registration).where(Registration.child_id == child.id))}


def test_five_requests_for_two_places_two_confirmed_three_waiting_in_draw_order(aw):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(2,))
    pairs = more_families(aw, 5)
    for guardian, child in pairs:
        ask(campaign, guardian, child, [stay], now)
    result = lottery.draw(campaign, campaign.closes_dt)
    db.session.commit()

    assert (result.children, result.placed, result.waiting) == (5, 2, 3)
    published = json.loads(campaign.result_json)
    assert published["seed"] == campaign.seed == result.seed and len(result.seed) == 32
    entries = {e.child_id: e for e in db.session.scalars(select(LotteryEntry))}
    by_position = sorted(pairs, key=lambda pair: entries[pair[1].id].draw_position)
    assert [_statuses(child)[stay.id] for _, child in by_position] == ["confirmed"] * 2 + ["waiting"] * 3
    waiting = db.session.scalars(select(Registration).where(Registration.status == "waiting")
                                 .order_by(Registration.queue_rank)).all()
    assert [r.child_id for r in waiting] == [child.id for _, child in by_position[2:]]
    assert [r.queue_rank for r in waiting] == [3, 4, 5]
    db.session.refresh(stay)
    assert stay.places_taken == 2
    # Each change of status told the family, content-free, through the outbox.
    assert db.session.scalar(select(func.count(NotificationEvent.id))) == 5


def test_each_child_gets_the_best_ranked_stay_with_room_and_one_place_only(aw):
    campaign, (first, second), now = lottery_campaign(aw, capacities=(1, 1))
    (g1, c1), (g2, c2), (g3, c3) = more_families(aw, 3)
    for guardian, child in ((g1, c1), (g2, c2), (g3, c3)):
        ask(campaign, guardian, child, [first, second], now)
    lottery.draw(campaign, campaign.closes_dt, seed="fixed")
    db.session.commit()
    order = [e.child_id for e in db.session.scalars(select(LotteryEntry).order_by(LotteryEntry.draw_position))]
    outcome = {child.id: _statuses(child) for child in (c1, c2, c3)}
    assert outcome[order[0]] == {first.id: "confirmed", second.id: "not_placed"}
    assert outcome[order[1]] == {first.id: "not_placed", second.id: "confirmed"}
    assert outcome[order[2]] == {first.id: "waiting", second.id: "waiting"}


def test_children_without_an_activity_come_first_then_lower_brackets_then_undeclared(aw):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(1,))
    (g_busy_a, busy_a), (g_busy_c, busy_c), (g_busy_none, busy_none), (g_free, free) = more_families(aw, 4)
    judo = make_activity(aw, title="Judo", now=now)
    for child in (busy_a, busy_c, busy_none):
        db.session.add(Registration(activity_id=judo.id, child_id=child.id, status=RegistrationStatus.CONFIRMED))
    year = stay.school_year
    db.session.add_all([BracketDeclaration(user_id=g_busy_a.id, bracket_id=aw.brackets[0].id, school_year=year),
                        BracketDeclaration(user_id=g_busy_c.id, bracket_id=aw.brackets[2].id, school_year=year),
                        BracketDeclaration(user_id=g_free.id, bracket_id=aw.brackets[2].id, school_year=year)])
    db.session.commit()
    for guardian, child in ((g_busy_none, busy_none), (g_busy_c, busy_c), (g_busy_a, busy_a), (g_free, free)):
        ask(campaign, guardian, child, [stay], now)
    lottery.draw(campaign, campaign.closes_dt)
    db.session.commit()
    entries = db.session.scalars(select(LotteryEntry).order_by(LotteryEntry.draw_position)).all()
    # Whatever the seed: no activity yet (tier 0), bracket A (1), bracket C (3), no bracket (4).
    assert [(e.child_id, e.tier) for e in entries] == [(free.id, 0), (busy_a.id, 1), (busy_c.id, 3),
                                                       (busy_none.id, 4)]
    assert _statuses(free) == {stay.id: "confirmed"}


def test_the_draw_refuses_before_closing_to_the_instant_and_a_second_time(aw):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(1,))
    (guardian, child), = more_families(aw, 1)
    ask(campaign, guardian, child, [stay], now)
    with pytest.raises(lottery.DrawRefused):
        lottery.draw(campaign, campaign.closes_dt - timedelta(microseconds=1))
    db.session.rollback()
    assert campaign.drawn_dt is None and _statuses(child) == {stay.id: "requested"}
    lottery.draw(campaign, campaign.closes_dt)
    db.session.commit()
    with pytest.raises(lottery.DrawRefused) as refused:
        lottery.draw(campaign, campaign.closes_dt + timedelta(days=1))
    db.session.rollback()
    with force_locale("en"):
        assert str(refused.value.message) == "This campaign has already been drawn: a draw happens only once."
    assert campaign.drawn_dt == campaign.closes_dt


def test_a_draw_reruns_from_its_published_json_alone(aw):
    campaign, stays, now = lottery_campaign(aw, capacities=(1, 2))
    for n, (guardian, child) in enumerate(more_families(aw, 6)):
        ask(campaign, guardian, child, stays if n % 2 else stays[::-1], now)
    lottery.draw(campaign, campaign.closes_dt)
    db.session.commit()
    published = json.loads(json.dumps(json.loads(campaign.result_json)))  # as downloaded
    assert lottery.rerun(published) == [entry["ticket"] for entry in published["entries"]]
    assert lottery.rerun_placements(published) == {e["ticket"]: e["placed"] for e in published["entries"]}
    assert published["capacities"] == {stays[0].public_id: 1, stays[1].public_id: 2}
    # Pseudonymous: no name, no internal id of a child.
    text = campaign.result_json
    assert not any(word in text for word in ("Enfant", "Famille", "child_id"))


def test_a_recorded_draw_gives_this_exact_order():
    """Seed and tickets written here: anyone can recompute sha256("<seed>:<ticket>") and sort."""
    published = {
        "seed": "9f2c1e7a4b6d8e0f1a2b3c4d5e6f7a8b",
        "capacities": {"stay-one": 1, "stay-two": 1},
        "entries": [
            {"ticket": "K7F3-2QX9", "tier": 0, "choices": ["stay-one", "stay-two"]},
            {"ticket": "M4PA-8ZRT", "tier": 0, "choices": ["stay-one"]},
            {"ticket": "B2WN-6HJE", "tier": 1, "choices": ["stay-two"]},
            {"ticket": "T9CD-3KMV", "tier": 0, "choices": ["stay-two", "stay-one"]},
            {"ticket": "X5GH-7NQS", "tier": 4, "choices": ["stay-one"]},
        ],
    }
    assert lottery.rerun(published) == RECORDED_ORDER
    assert lottery.rerun_placements(published) == RECORDED_PLACEMENTS


# sha256 prefixes: M4PA-8ZRT 0d18566b…, T9CD-3KMV a1949d73…, K7F3-2QX9 f45b8700… (tier 0, in hash
# order), then B2WN-6HJE (tier 1), X5GH-7NQS (tier 4). M4PA takes stay-one, T9CD its first
# choice stay-two; K7F3 finds both full; the later tiers too.
RECORDED_ORDER = ["M4PA-8ZRT", "T9CD-3KMV", "K7F3-2QX9", "B2WN-6HJE", "X5GH-7NQS"]
RECORDED_PLACEMENTS = {"M4PA-8ZRT": "stay-one", "T9CD-3KMV": "stay-two", "K7F3-2QX9": None,
                       "B2WN-6HJE": None, "X5GH-7NQS": None}


def test_the_published_rules_text_follows_the_campaigns_rules(aw):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(1,))
    with force_locale("en"):
        assert lottery.rules_text(campaign)[0] == "Children with no confirmed activity yet this school year come first."
        campaign.priority_rules = "lot_only"
        assert lottery.rules_text(campaign) == ["Every child has the same chance: the order is drawn by lot."]
    (guardian, busy), (other, free) = more_families(aw, 2)
    judo = make_activity(aw, title="Judo", now=now)
    db.session.add(Registration(activity_id=judo.id, child_id=busy.id, status=RegistrationStatus.CONFIRMED))
    db.session.commit()
    assert lottery.compute_tiers(campaign, [busy.id, free.id], {stay.school_year}) == {busy.id: 0, free.id: 0}


def test_a_draft_stay_takes_no_part_in_the_draw_nor_its_published_result(aw, client):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(1,))
    draft = make_activity(aw, title="Séjour brouillon", capacity=5, mode="lottery", campaign=campaign, now=now,
                          published=False)
    for guardian, child in more_families(aw, 2):
        ask(campaign, guardian, child, [stay], now)
    result = lottery.draw(campaign, campaign.closes_dt)
    db.session.commit()
    published = json.loads(campaign.result_json)
    assert published["capacities"] == {stay.public_id: 1}  # not the draft's 5 places
    assert draft.public_id not in campaign.result_json and (result.placed, result.waiting) == (1, 1)
    assert [s.id for s in lottery.stays_of(campaign, campaign.closes_dt)] == [stay.id]
    assert "Séjour brouillon" not in client.get(f"/activites/campagnes/{campaign.slug}").get_data(as_text=True)


def test_a_request_cancelled_during_the_draw_stays_cancelled_and_takes_no_place(aw, monkeypatch):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(1,))
    (guardian, child), = more_families(aw, 1)
    ask(campaign, guardian, child, [stay], now)
    request_id = db.session.scalar(select(Registration.id).where(Registration.child_id == child.id))
    real_tiers = lottery.compute_tiers

    def cancelled_meanwhile(*args):
        # The family's "Leave" commits after the draw read the requests (as on SQLite, or on
        # PostgreSQL without the lock): written behind the ORM's back, as another connection would.
        db.session.execute(update(Registration).where(Registration.id == request_id)
                           .values(status=RegistrationStatus.CANCELLED)
                           .execution_options(synchronize_session=False))
        return real_tiers(*args)

    monkeypatch.setattr(lottery, "compute_tiers", cancelled_meanwhile)
    lottery.draw(campaign, campaign.closes_dt)
    db.session.commit()
    db.session.expire_all()
    assert _statuses(child) == {stay.id: RegistrationStatus.CANCELLED}
    assert stay.places_taken == 0
    assert db.session.scalar(select(func.count(NotificationEvent.id))
                             .where(NotificationEvent.registration_id == request_id)) == 0

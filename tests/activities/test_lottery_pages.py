"""Campaigns for staff, the public page of a campaign and its draw, the draw command."""
from __future__ import annotations

import json
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import func, select

from ent_lite.activities import campaigns, lottery, manage
from ent_lite.activities.models import Campaign, Registration
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests.activities import manage_data
from tests.activities.factories import make_campaign
from tests.activities.lottery_factories import ask, lottery_campaign, more_families


def _form(**changes):
    data = {"title": "Séjours d’été 2027", "slug": "ete-2027", "opens_date": "2027-05-02", "opens_time": "08:00",
            "closes_date": "2027-05-20", "closes_time": "18:00", "max_choices": "3",
            "priority_rules": "no_activity_then_bracket"}
    data.update(changes)
    return data


def test_a_city_agent_creates_a_campaign_and_bad_fields_are_refused_one_by_one(aw, login_as, english):
    client = login_as(aw.world.city_agent, target=english)
    assert client.get("/activites/campagnes/nouvelle").status_code == 200
    bad = client.post("/activites/campagnes/nouvelle",
                      data=_form(slug="Été 2027", closes_date="2027-05-01")).get_data(as_text=True)
    assert "Use only lowercase letters, digits and hyphens" in bad
    assert "Requests must close after they open." in bad
    assert 'value="Séjours d’été 2027"' in bad  # what was typed is kept
    assert db.session.scalar(select(Campaign.id)) is None
    done = client.post("/activites/campagnes/nouvelle", data=_form())
    assert done.status_code == 302 and done.headers["Location"].endswith("/activites/campagnes/ete-2027")
    campaign = db.session.scalar(select(Campaign))
    assert (campaign.establishment_id, campaign.max_choices) == (aw.service.id, 3)
    again = client.post("/activites/campagnes/nouvelle", data=_form(title="Autre")).get_data(as_text=True)
    assert "Another campaign already has this short name." in again
    assert "Séjours d’été 2027" in client.get("/activites/campagnes").get_data(as_text=True)


def test_the_same_short_name_in_another_city_is_its_own_campaign(aw, login_as):
    make_campaign(aw, slug="ete-2027")
    far = login_as(aw.world.far.city_agent)
    assert far.get("/activites/campagnes/ete-2027/modifier").status_code == 404
    assert far.post("/activites/campagnes/nouvelle", data=_form()).status_code == 302
    assert {c.city_id for c in db.session.scalars(select(Campaign))} == {aw.world.city.id, aw.world.far.city.id}


def test_only_organisers_create_or_edit_campaigns(aw, login_as):
    campaign = make_campaign(aw)
    for user in (aw.world.parent_a, aw.world.teacher_a, aw.world.animator):
        client = login_as(user)
        assert client.get(f"/activites/campagnes/{campaign.slug}/modifier").status_code == 404
        assert client.post(f"/activites/campagnes/{campaign.slug}/tirage").status_code == 404
    assert login_as(aw.world.parent_a).get("/activites/campagnes/nouvelle").status_code == 404
    assert login_as(aw.world.animator).get("/activites/campagnes/nouvelle").status_code == 200  # their site's


def test_the_public_page_shows_the_rules_then_the_published_draw_without_names(aw, client, login_as):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(1,), now=utcnow() - timedelta(days=2))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/activites/campagnes/ete-2027").get_data(as_text=True)
    assert "Children with no confirmed activity yet this school year come first." in page
    assert "Séjour 1" in page and "Result of the draw" not in page
    assert client.get("/activites/campagnes/ete-2027/resultat.json").status_code == 404  # nothing drawn yet
    for guardian, child in more_families(aw, 3):
        ask(campaign, guardian, child, [stay], now)
    agent = login_as(aw.world.city_agent)
    assert agent.post("/activites/campagnes/ete-2027/tirage").status_code == 302
    db.session.expire_all()
    assert campaign.drawn_dt is not None
    agent.post("/logout")
    page = client.get("/activites/campagnes/ete-2027").get_data(as_text=True)
    assert campaign.seed in page and "How to check the draw" in page
    assert "0 (no confirmed activity yet)" in page  # each priority group says what it means
    for entry in db.session.scalars(select(lottery.LotteryEntry)):
        assert entry.ticket in page
    assert "Enfant" not in page and "Famille" not in page
    download = client.get("/activites/campagnes/ete-2027/resultat.json")
    assert json.loads(download.get_data()) == json.loads(campaign.result_json)
    # The second press of the button is refused and changes nothing.
    agent = login_as(aw.world.city_agent, target=client)
    again = agent.post("/activites/campagnes/ete-2027/tirage", follow_redirects=True).get_data(as_text=True)
    assert "already been drawn" in again


def test_the_draw_button_before_closing_is_refused(aw, login_as, english):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(1,))
    (guardian, child), = more_families(aw, 1)
    ask(campaign, guardian, child, [stay], now)
    page = login_as(aw.world.city_agent, target=english).post(
        "/activites/campagnes/ete-2027/tirage", follow_redirects=True).get_data(as_text=True)
    assert "Requests are still open" in page
    db.session.expire_all()
    assert campaign.drawn_dt is None
    assert db.session.scalar(select(Registration.status)) == "requested"


def test_a_campaign_without_a_published_stay_is_not_public(aw, client):
    make_campaign(aw)
    assert client.get("/activites/campagnes/ete-2027").status_code == 404


def test_the_draw_command_prints_the_seed_and_refuses_a_second_draw(aw, runner):
    still_open, (open_stay,), _ = lottery_campaign(aw, capacities=(1,), slug="hiver-2027")
    early = runner.invoke(args=["ent-lite", "draw", "hiver-2027"])
    assert early.exit_code != 0 and "Requests are still open" in early.output
    campaign, (stay,), now = lottery_campaign(aw, capacities=(1,), now=utcnow() - timedelta(days=2))
    for guardian, child in more_families(aw, 2):
        ask(campaign, guardian, child, [stay], now)
    done = runner.invoke(args=["ent-lite", "draw", "ete-2027"])
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    assert "2 children drawn, 1 placed, 1 on waiting lists" in done.output and f"seed: {campaign.seed}" in done.output
    assert len(campaign.seed) == 32  # a fresh random seed
    second = runner.invoke(args=["ent-lite", "draw", "ete-2027"])
    assert second.exit_code != 0 and "already been drawn" in second.output
    assert runner.invoke(args=["ent-lite", "draw", "nowhere"]).exit_code != 0


def test_the_draw_command_lets_nobody_choose_the_seed_or_the_moment(aw, runner):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(1,))
    ask(campaign, aw.world.parent_a, aw.world.child_a, [stay], now)
    chosen = runner.invoke(args=["ent-lite", "draw", "ete-2027", "--seed", "chosen"])
    early = runner.invoke(args=["ent-lite", "draw", "ete-2027", "--now", campaign.closes_dt.isoformat()])
    assert chosen.exit_code == early.exit_code == 2 and "No such option" in chosen.output + early.output
    db.session.expire_all()
    assert campaign.drawn_dt is None and campaign.seed is None


def test_draw_verify_reruns_a_downloaded_result_and_flags_a_changed_one(aw, runner, tmp_path):
    campaign, stays, now = lottery_campaign(aw, capacities=(1, 1), now=utcnow() - timedelta(days=2))
    for guardian, child in more_families(aw, 3):
        ask(campaign, guardian, child, stays, now)
    lottery.draw(campaign, campaign.closes_dt)
    db.session.commit()
    published = json.loads(campaign.result_json)
    path = tmp_path / "tirage.json"
    path.write_text(campaign.result_json, encoding="utf-8")
    checked = runner.invoke(args=["ent-lite", "draw-verify", str(path)])
    assert checked.exit_code == 0, checked.output
    first = published["entries"][0]
    assert f"1. {first['ticket']}: {first['placed']}" in checked.output
    published["entries"][0]["placed"], published["entries"][-1]["placed"] = None, first["placed"]
    path.write_text(json.dumps(published), encoding="utf-8")
    forged = runner.invoke(args=["ent-lite", "draw-verify", str(path)])
    assert forged.exit_code != 0 and "differ from the published result" in forged.output
    path.write_text("{}", encoding="utf-8")
    assert "not a published draw result" in runner.invoke(args=["ent-lite", "draw-verify", str(path)]).output


def test_another_city_neither_sees_nor_draws_the_campaign(aw, login_as):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(1,), now=utcnow() - timedelta(days=2))
    far_agent = login_as(aw.world.far.city_agent)
    assert far_agent.get("/activites/campagnes/ete-2027").status_code == 404
    assert far_agent.post("/activites/campagnes/ete-2027/tirage").status_code == 404
    assert "ete-2027" not in far_agent.get("/activites/campagnes").get_data(as_text=True)
    db.session.expire_all()
    assert campaign.drawn_dt is None


def test_a_campaign_is_edited_until_its_draw(aw, login_as, english):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(1,), now=utcnow() - timedelta(days=2))
    client = login_as(aw.world.city_agent, target=english)
    form = client.get("/activites/campagnes/ete-2027/modifier").get_data(as_text=True)
    assert '<span class="code" translate="no">ete-2027</span>' in form  # open: read-only
    assert client.post("/activites/campagnes/ete-2027/modifier",
                       data=_form(title="Séjours de juillet", max_choices="2")).status_code == 302
    db.session.expire_all()
    assert (campaign.title, campaign.max_choices, campaign.slug) == ("Séjours de juillet", 2, "ete-2027")
    lottery.draw(campaign, campaign.closes_dt)
    db.session.commit()
    refused = client.post("/activites/campagnes/ete-2027/modifier", data=_form(title="Autre"), follow_redirects=True)
    assert "This campaign has been drawn: it can no longer change." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert campaign.title == "Séjours de juillet"


def test_a_stay_with_requests_does_not_move_to_another_campaign(aw):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(1,))
    other = make_campaign(aw, slug="automne-2027", now=now)
    data = manage_data.valid_input(aw, now, mode="lottery", campaign_id=other.id, opens_dt=None, closes_dt=None)
    assert "campaign" not in manage.check(data, aw.world.city_agent, now, stay)  # no request yet: it may move
    ask(campaign, aw.world.parent_a, aw.world.child_a, [stay], now)
    with force_locale("en"):
        problems = manage.check(data, aw.world.city_agent, now, stay)
    assert problems["campaign"] == "Families have already made requests: the stay cannot move to another campaign."
    data.campaign_id = campaign.id
    assert "campaign" not in manage.check(data, aw.world.city_agent, now, stay)  # staying where it is


def test_slug_and_priority_rules_are_frozen_once_requests_open(aw, login_as, english):
    now = utcnow().replace(microsecond=0)
    campaign = make_campaign(aw, now=now, opens=now + timedelta(days=1))
    client = login_as(aw.world.city_agent, target=english)
    assert 'name="slug"' in client.get("/activites/campagnes/ete-2027/modifier").get_data(as_text=True)
    client.post("/activites/campagnes/ete-2027/modifier", data=_form(slug="ete-2027-b", priority_rules="lot_only"))
    db.session.expire_all()
    assert (campaign.slug, campaign.priority_rules) == ("ete-2027-b", "lot_only")  # not open yet: both change
    campaign.opens_dt = now  # requests open at this very instant
    db.session.commit()
    page = client.get("/activites/campagnes/ete-2027-b/modifier").get_data(as_text=True)
    assert 'name="slug"' not in page and 'name="priority_rules"' not in page
    assert "the short name and the priority rules no longer change" in page
    assert "Lot only: every child has the same chance" in page  # shown, read-only
    saved = client.post("/activites/campagnes/ete-2027-b/modifier",
                        data=_form(title="Séjours de juillet", slug="autre", priority_rules="no_activity_then_bracket"))
    assert saved.status_code == 302
    db.session.expire_all()
    assert (campaign.title, campaign.slug, campaign.priority_rules) == ("Séjours de juillet", "ete-2027-b", "lot_only")


def test_a_short_name_taken_at_the_same_moment_is_a_form_error_not_an_error_page(aw, login_as, english,
                                                                                 monkeypatch):
    real = campaigns.save_campaign

    def taken_meanwhile(form, now, campaign=None):
        db.session.add(Campaign(city_id=aw.world.city.id, establishment_id=aw.service.id, slug="ete-2027",
                                title="Autre", opens_dt=now, closes_dt=now + timedelta(days=1)))
        db.session.flush()  # another manager's campaign, saved after this form was checked
        return real(form, now, campaign)

    monkeypatch.setattr(campaigns, "save_campaign", taken_meanwhile)
    client = login_as(aw.world.city_agent, target=english)
    page = client.post("/activites/campagnes/nouvelle", data=_form())
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Another campaign already has this short name." in html and 'value="Séjours d’été 2027"' in html
    monkeypatch.undo()
    assert db.session.scalar(select(func.count(Campaign.id))) == 0

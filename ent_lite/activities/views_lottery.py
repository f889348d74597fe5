"""Lottery pages: campaigns for staff, the public page of a campaign and its draw, the family's requests.

Who sees what: the campaign's page and its published result are public (tickets, tiers and
stays, never a name); managing a campaign and drawing it are for the staff of its organiser
(``permissions.can_manage_campaign``); requesting is for a guardian with legal authority over
the child. Anything else, and anything of another city, is a 404.
"""
from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from ent_lite.accounts.models import Role
from ent_lite.activities import (allocation, campaigns, describe, lottery, lottery_request_form, lottery_requests,
                                 manage)
from ent_lite.activities.catalogue import catalogue_city_id
from ent_lite.activities.blueprint import bp
from ent_lite.activities.lottery_requests import RANK_LABELS
from ent_lite.activities.money import format_price_range
from ent_lite.activities.permissions import can_manage_campaign, may_manage_activities
from ent_lite.core.auth import public, roles_required
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db


def _visible_campaign(slug: str, now):
    """The campaign, for anyone once one of its stays is published, for its managers always."""
    campaign = campaigns.find(catalogue_city_id(current_user), slug)
    if campaign is None:
        abort(404)
    if not lottery_requests.open_stays(campaign, now) and not can_manage_campaign(current_user, campaign):
        abort(404)
    return campaign


def _managed_campaign(slug: str):
    campaign = campaigns.find(catalogue_city_id(current_user), slug)
    if campaign is None or not can_manage_campaign(current_user, campaign):
        abort(404)
    return campaign


@bp.app_template_global()
def lottery_stay_url(stay) -> str:
    """A stay's own page in the catalogue."""
    return url_for("activities.show", public_id=stay.public_id)


bp.add_app_template_global(lottery.rules_text, "lottery_rules_text")


@bp.get("/activites/campagnes", endpoint="campaigns")
def campaigns_page():
    now = utcnow()
    managed = manage.campaigns_of(current_user) if may_manage_activities(current_user) else []
    mine = {item.id for item in managed}
    open_ones = [item for item in db.session.scalars(campaigns.family_campaigns(current_user.city_id, now))
                 if item.id not in mine]
    return render_template("activities/lottery_campaigns.html", managed=managed, campaigns=open_ones, now=now,
                           may_create=may_manage_activities(current_user))


@bp.route("/activites/campagnes/nouvelle", methods=["GET", "POST"])
def campaign_new():
    establishments = manage.organisers(current_user)
    if not establishments:
        abort(404)
    form = campaigns.CampaignForm(city_id=current_user.city_id, establishments=establishments)
    if form.validate_on_submit():
        try:
            campaign = campaigns.save_campaign(form, utcnow())
            db.session.commit()
        except IntegrityError:  # the same short name saved by someone else meanwhile
            db.session.rollback()
            form.slug.errors = [*form.slug.errors, _("Another campaign already has this short name.")]
        else:
            flash(_("The campaign is saved. Add its stays in lottery mode from the activity form."), "success")
            return redirect(url_for("activities.campaign", slug=campaign.slug))
    return render_template("activities/lottery_campaign_form.html", form=form, campaign=None)


@bp.route("/activites/campagnes/<slug>/modifier", methods=["GET", "POST"])
def campaign_edit(slug: str):
    campaign = _managed_campaign(slug)
    if campaign.drawn_dt is not None:
        flash(_("This campaign has been drawn: it can no longer change."), "error")
        return redirect(url_for("activities.campaign", slug=campaign.slug))
    form = campaigns.CampaignForm(city_id=current_user.city_id, campaign=campaign, now=utcnow(),
                                  establishments=manage.organisers(current_user))
    if not form.is_submitted():
        form.fill_from(campaign)
    if form.validate_on_submit():
        try:
            campaigns.save_campaign(form, utcnow(), campaign)
            db.session.commit()
        except IntegrityError:  # the same short name saved by someone else meanwhile
            db.session.rollback()
            form.slug.errors = [*form.slug.errors, _("Another campaign already has this short name.")]
        else:
            flash(_("The campaign is saved."), "success")
            return redirect(url_for("activities.campaign", slug=campaign.slug))
    return render_template("activities/lottery_campaign_form.html", form=form, campaign=campaign,
                           rule_labels=campaigns.RULE_LABELS)


@bp.get("/activites/campagnes/<slug>")
@public
def campaign(slug: str):
    now = utcnow()
    found = _visible_campaign(slug, now)
    result = lottery.published_result(found)
    stays = lottery_requests.open_stays(found, now)
    return render_template(
        "activities/lottery_campaign.html", campaign=found, stays=stays, result=result, now=now,
        stay_titles={stay.public_id: stay.title for stay in stays},
        tier_names=lottery.tier_names(found) if result else {},
        is_open=lottery_requests.is_open(found, now), may_manage=can_manage_campaign(current_user, found),
        may_request=getattr(current_user, "role", None) == Role.GUARDIAN)


@bp.get("/activites/campagnes/<slug>/resultat.json")
@public
def campaign_json(slug: str):
    found = _visible_campaign(slug, utcnow())
    result = lottery.published_result(found)
    if result is None:
        abort(404)
    return Response(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True),
                    mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="tirage-{found.slug}.json"'})


@bp.post("/activites/campagnes/<slug>/tirage")
def campaign_draw(slug: str):
    found = _managed_campaign(slug)
    try:
        done = lottery.draw(found, utcnow(), actor=current_user)
    except lottery.DrawRefused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for("activities.campaign", slug=slug))
    db.session.commit()
    flash(_("The draw is done: %(placed)d children placed, %(waiting)d on waiting lists. Seed: %(seed)s.",
            placed=done.placed, waiting=done.waiting, seed=done.seed), "success")
    return redirect(url_for("activities.campaign", slug=slug, _anchor="result"))


@bp.route("/activites/campagnes/<slug>/demande", methods=["GET", "POST"])
@roles_required(Role.GUARDIAN)
def campaign_request(slug: str):
    now = utcnow()
    found = _visible_campaign(slug, now)
    page = lottery_request_form.request_page(found, current_user, now)
    form = FlaskForm()
    chosen, errors = page.current_choices(), {}
    if form.validate_on_submit():
        if not page.is_open:
            flash(_("Requests for this campaign are closed: nothing was changed."), "error")
            return redirect(url_for("activities.campaign_request", slug=slug))
        try:
            chosen, errors = lottery_request_form.submit(page, current_user, request.form, now)
            if not errors:
                db.session.commit()
        except IntegrityError:  # another tab or parent saved this family's requests meanwhile
            db.session.rollback()
            flash(_("Your requests were changed at the same moment from another window: nothing was "
                    "saved from this one. Check them below and send them again if needed."), "error")
            return redirect(url_for("activities.campaign_request", slug=slug))
        if not errors:
            flash(_("Your requests are saved. You can change them until the requests close."), "success")
            return redirect(url_for("activities.campaign_request", slug=slug))
    summary = lottery_request_form.error_summary(page, chosen, errors)
    return render_template("activities/lottery_request.html", campaign=found, families=page.families, form=form,
                           chosen=chosen, errors=errors, summary=summary,
                           is_open=page.is_open, now=now, rank_labels=RANK_LABELS, status_text=describe.status_text,
                           position=allocation.waiting_position, years=page.years, brackets=page.brackets,
                           bracket_prices=page.bracket_prices(), bracket_field=lottery_requests.bracket_field,
                           bracket_bounds=describe.bracket_bounds_text, format_price_range=format_price_range,
                           sent=request.form)

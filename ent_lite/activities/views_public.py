"""Public pages of the catalogue, the family's list, and the open-data feeds.

- ``catalogue``, ``show``, ``photo`` and the feeds need no login and name no person; they show
  the catalogue's city only (``catalogue.catalogue_city_id``): a draft, a withdrawn activity,
  a finished one or another city's is a 404.
- ``for_family`` is for guardians (404 for everyone else): the activities still taking
  registrations that their current children fit, each naming the children it is for.
- Filters are a plain GET form; bad values give a translated error summary (a 400 for feeds).
"""
from __future__ import annotations

from flask import abort, jsonify, make_response, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from ent_lite.accounts.models import Role
from ent_lite.activities import catalogue, describe, opendata, photo_file
from ent_lite.activities.blueprint import bp
from ent_lite.activities.forms_public import CatalogueFilterForm
from ent_lite.activities.money import format_price, format_price_range
from ent_lite.core.auth import public, roles_required
from ent_lite.core.branding import product_name
from ent_lite.core.dates import format_clock
from ent_lite.core.db_types import PUBLIC_ID_LENGTH, utcnow
from ent_lite.core.security import sets_own_cache_control
from ent_lite.extensions import db
from ent_lite.school.models import City

MAX_PAGE = 10_000
# Public, personless documents: caches may keep them a few minutes (places left change).
PUBLIC_CACHE = "public, max-age=300"


@bp.app_context_processor
def _activity_words():
    return {"activity_category": describe.category_label, "activity_audience": describe.audience_text,
            "activity_places": describe.places_text, "format_price": format_price,
            "format_price_range": format_price_range, "activity_clock": format_clock}


def _page() -> int:
    page = request.args.get("page", 1, type=int)
    return min(page, MAX_PAGE) if page and page > 0 else 1



@bp.get("/activites", endpoint="catalogue")
@public
def catalogue_list():
    form = CatalogueFilterForm(request.args)
    entries, has_next, page = [], False, _page()
    valid = form.validate()
    if valid:
        city_id = catalogue.catalogue_city_id(current_user)
        entries, has_next = catalogue.catalogue_page(city_id, utcnow(), form.filters(), page)
    return render_template("activities/public_catalogue.html", form=form, entries=entries, valid=valid,
                           page=page, has_next=has_next, query=form.query_args() if valid else {},
                           filtered=bool(form.query_args()), now=utcnow()), 200 if valid else 400


@bp.get("/activites/<public_id>")
@public
def show(public_id: str):
    if len(public_id) > PUBLIC_ID_LENGTH:
        abort(404)
    now = utcnow()
    entry = catalogue.find_public(catalogue.catalogue_city_id(current_user), public_id, now)
    if entry is None:
        abort(404)
    activity = entry.activity
    can_register = getattr(current_user, "role", None) == Role.GUARDIAN and activity.is_open(now)
    prices = sorted(activity.prices, key=lambda price: (price.bracket.position, price.bracket.id))
    return render_template("activities/public_show.html", entry=entry, activity=activity, prices=prices,
                           window=describe.window_state(activity, now), can_register=can_register,
                           bracket_bounds=describe.bracket_bounds_text,
                           now=now)


@bp.get("/activites/<public_id>/photo")
@public
@sets_own_cache_control
def photo(public_id: str):
    if len(public_id) > PUBLIC_ID_LENGTH:
        abort(404)
    entry = catalogue.find_public(catalogue.catalogue_city_id(current_user), public_id, utcnow())
    if entry is None:
        abort(404)
    found = photo_file.open_photo(entry.activity, thumb=request.args.get("size") == "thumb")
    if found is None:
        abort(404)
    response = send_file(found.stream, mimetype=found.content_type, as_attachment=False, conditional=False,
                         etag=False, max_age=None, download_name=f"{public_id}.{found.extension}")
    if found.size is not None:  # a stream without a file behind it is sent without a length
        response.content_length = found.size
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@bp.get("/activites/pour-mes-enfants")
@roles_required(Role.GUARDIAN)
def for_family():
    entries = catalogue.family_entries(current_user, utcnow())
    return render_template("activities/public_family.html", entries=entries, now=utcnow())


# --- open data --------------------------------------------------------------------------------

def _feed_entries():
    """The feed's activities, or None when a filter is wrong (the feed then answers 400)."""
    form = CatalogueFilterForm(request.args)
    if not form.validate():
        return None, form
    return catalogue.feed_entries(catalogue.catalogue_city_id(current_user), utcnow(), form.filters()), form


def _city_name() -> str:
    city = db.session.get(City, catalogue.catalogue_city_id(current_user) or 0)
    return city.name if city else ""


def _bad_filters(form):
    messages = [str(error) for errors in form.errors.values() for error in errors]
    response = make_response("\n".join(messages) + "\n", 400)
    response.mimetype = "text/plain"
    return response


def _cached(response):
    response.headers["Cache-Control"] = PUBLIC_CACHE
    # Open data: other sites may fetch it (no cookie is sent or read with it).
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/activites.json")
@public
@sets_own_cache_control
def feed_json():
    entries, form = _feed_entries()
    if entries is None:
        return _bad_filters(form)
    return _cached(jsonify(opendata.json_document(entries, _city_name(), utcnow())))


@bp.get("/activites.atom")
@public
@sets_own_cache_control
def feed_atom():
    entries, form = _feed_entries()
    if entries is None:
        return _bad_filters(form)
    title = _("Activities for children: %(product)s", product=product_name())
    body = opendata.atom_document(entries, title, _city_name(), utcnow())
    return _cached(make_response(body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}))


@bp.get("/activites.ics")
@public
@sets_own_cache_control
def feed_ics():
    entries, form = _feed_entries()
    if entries is None:
        return _bad_filters(form)
    body = opendata.ics_document(entries, _("Activities for children: %(product)s", product=product_name()))
    return _cached(make_response(body, 200, {"Content-Type": "text/calendar; charset=utf-8"}))

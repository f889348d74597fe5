"""The private calendar address: its page, making, renewing and revoking it, and the feed.

- ``feed`` shows when the address was made and last read, never the address itself: only
  its hash exists. Families and news-reading staff only (404 for the others).
- Making or renewing answers with the page holding the new address, once, in the POST's own
  response (``no-store``). Renewing names the address it replaces, so the form sent again
  (a reload) renews nothing and the address just subscribed keeps working. The token never goes into the session or a flash message: the
  session cookie is signed, not encrypted, so anyone holding the cookie could read it.
- ``private_feed`` needs no login: the token is the credential. Unknown, revoked or disabled:
  404. Each token has its own request budget, kept under the token's hash (the limiter's
  storage is Redis in production: it never holds a working address); there is no per-address
  one, since calendar services (Google, Apple) fetch every subscriber's feed from a few
  shared addresses.
"""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ent_lite.agenda import feeds, ical
from ent_lite.agenda.blueprint import bp
from ent_lite.agenda.views_calendar import ics_response
from ent_lite.core.auth import public
from ent_lite.core.branding import product_name
from ent_lite.core.db_types import utcnow
from ent_lite.core.security import sets_own_cache_control
from ent_lite.extensions import db, limiter
from ent_lite.rules import may_read_news

REQUESTS_PER_TOKEN = "60/hour"


def _allowed() -> None:
    if not may_read_news(current_user):
        abort(404)


def _page(token: str | None = None):
    address = url_for("agenda.private_feed", token=token, _external=True) if token else None
    webcal = "webcal://" + address.split("://", 1)[1] if address else None
    return render_template("agenda/feed_page.html", feed=feeds.feed_of(current_user), address=address,
                           webcal=webcal, now=utcnow(), replaces_marker=feeds.replaces_marker)


@bp.get("/agenda/abonnement", endpoint="feed")
def feed_page():
    _allowed()
    return _page()


def _made(token: str):
    db.session.commit()
    # The address, this once, in this response only; no-store is also the app-wide default
    # (core.security), said here because this page must never be kept.
    response = make_response(_page(token))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/agenda/abonnement/creer", endpoint="feed_create")
def feed_create():
    _allowed()
    if feeds.feed_of(current_user) is not None:
        # Made already (a second tap, another tab): the address is not shown again; renew it.
        return redirect(url_for("agenda.feed"))
    return _made(feeds.create_feed(current_user, utcnow()))


@bp.post("/agenda/abonnement/renouveler", endpoint="feed_renew")
def feed_renew():
    _allowed()
    current = feeds.feed_of(current_user)
    if current is None or request.form.get("replaces") != feeds.replaces_marker(current):
        # The form sent again (a reload, "back"): renewing now would kill the address just
        # added to a calendar app, without a word.
        flash(_("This address was already replaced by a new one. Make a new address only if you "
                "did not add the last one to your calendar."), "info")
        return redirect(url_for("agenda.feed"))
    return _made(feeds.create_feed(current_user, utcnow()))


@bp.post("/agenda/abonnement/supprimer", endpoint="feed_revoke")
def feed_revoke():
    _allowed()
    feeds.revoke_feed(current_user)
    db.session.commit()
    return redirect(url_for("agenda.feed"))


def _token_key() -> str:
    """The request budget's key: the token's hash, as stored in the database, never the token."""
    return "calendar-feed:" + feeds.token_hash(str((request.view_args or {}).get("token", ""))[:100])


@bp.get("/agenda/prive/<token>.ics", endpoint="private_feed")
@public
@sets_own_cache_control
@limiter.limit(REQUESTS_PER_TOKEN, key_func=_token_key)
def private_feed(token: str):
    now = utcnow()
    feed = feeds.feed_for_token(token)
    if feed is None:
        abort(404)
    entries = feeds.private_entries(feed.user, now)
    if feeds.mark_read(feed, now):
        db.session.commit()
    response = ics_response(ical.events_calendar(entries, _("My calendar: %(product)s", product=product_name())))
    # Personal: no shared cache may keep it; the app may reuse it a few minutes.
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Robots-Tag"] = "noindex"
    return response

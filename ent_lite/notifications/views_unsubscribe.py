"""One-click unsubscribing from the link in every notification mail (RFC 8058).

Public, with no CSRF token and no login: a mail provider's "Unsubscribe" button POSTs
``List-Unsubscribe=One-Click`` to the link from its own servers, with no cookie. The signed
token in the URL is the only credential, and all it can do is turn non-urgent mail off: a
forged request would need the token, which only the person's mailbox holds. GET only shows
the button (mail scanners follow links and must change nothing). Invalid tokens count as
failures per IP; each token has its own budget too, so a provider's many users behind one
address are never blocked together.
"""
from __future__ import annotations

from flask import abort, render_template, request

from ent_lite.accounts import throttling
from ent_lite.accounts.views_tokens import no_store
from ent_lite.core.auth import public
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import csrf, db, limiter
from ent_lite.notifications import unsubscribe
from ent_lite.notifications.blueprint import bp

INVALID_TOKENS_PER_IP = "20/15 minutes;100/day"
REQUESTS_PER_TOKEN = "20/hour"


def _token_key() -> str:
    return "unsubscribe:" + str((request.view_args or {}).get("token", ""))[:200]


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"], endpoint="unsubscribe")
@public
@csrf.exempt
@throttling.failures_per_ip(INVALID_TOKENS_PER_IP)
@limiter.limit(REQUESTS_PER_TOKEN, key_func=_token_key)
def unsubscribe_view(token: str):
    # A POST must say what RFC 8058 says it says; anything else is refused before the token is read.
    if request.method == "POST" and request.form.get("List-Unsubscribe") != "One-Click":
        abort(400)
    user = unsubscribe.user_for(token)
    if user is None:
        abort(404)
    if request.method == "GET":
        return no_store(render_template("notifications/unsubscribe.html", done=False,
                                        already=unsubscribe.email_is_off(user)))
    unsubscribe.turn_email_off(user, utcnow())
    db.session.commit()
    return no_store(render_template("notifications/unsubscribe.html", done=True, already=True))

"""Web Push pages: the installable app (manifest, service worker) and a person's devices.

The manifest and the service worker are public and name nobody: the browser fetches them on
its own, often without the session cookie. The subscription endpoints take JSON from
``static/js/push.js`` with the CSRF token in the ``X-CSRFToken`` header; the device list on
the preferences page works without JavaScript (one small form per device).
"""
from __future__ import annotations

import json
from pathlib import Path

from flask import abort, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import get_locale
from flask_login import current_user

from ent_lite.core.auth import public, safe_next
from ent_lite.core.branding import product_name
from ent_lite.core.db_types import utcnow
from ent_lite.core.security import sets_own_cache_control
from ent_lite.extensions import db
from ent_lite.notifications import subscriptions
from ent_lite.notifications.blueprint import bp
from ent_lite.notifications.push_keys import application_server_key

SERVICE_WORKER = (Path(__file__).parent / "static" / "sw.js").read_text(encoding="utf-8")
# The accent colour of static/css/app.css: the phone's title bar matches the header.
THEME_COLOUR = "#0b4f9c"


@bp.get("/manifest.webmanifest")
@public
@sets_own_cache_control
def manifest():
    data = {
        "id": "/",
        "name": _("%(product)s: school and family", product=product_name()),
        "short_name": product_name(),
        "description": _("News, messages and forms from school, after-school activities and the city."),
        "lang": str(get_locale()),
        "start_url": url_for("core.home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [{"src": url_for("static", filename=f"icons/icon-{size}.png"), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": "any"} for size in (192, 512)],
    }
    response = current_app.response_class(json.dumps(data, ensure_ascii=False),
                                          mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


@bp.get("/sw.js")
@public
@sets_own_cache_control
def service_worker():
    response = current_app.response_class(SERVICE_WORKER, mimetype="text/javascript")
    # Revalidated on every check, so a fixed worker reaches every phone at its next visit.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.app_template_global()
def push_settings() -> dict:
    """What ``notifications/_push.html`` needs, so any page can include it on its own."""
    return {
        "devices": subscriptions.devices_of(current_user.id) if current_user.is_authenticated else [],
        "application_server_key": application_server_key(),
        "subscribe_url": url_for("notifications.push_subscribe"),
        "unsubscribe_url": url_for("notifications.push_unsubscribe"),
        "service_worker_url": url_for("notifications.service_worker"),
        "script_url": url_for("static", filename="js/push.js"),
    }


def _json_error(message: str, status: int = 400):
    return jsonify(error=message), status


@bp.post("/push/subscribe")
def push_subscribe():
    try:
        new = subscriptions.parse(request.get_json(silent=True), subscriptions.allow_local())
        device = subscriptions.subscribe(current_user.id, new, subscriptions.device_label(request.user_agent.string),
                                         utcnow())
    except subscriptions.SubscriptionError as error:
        db.session.rollback()
        return _json_error(str(error))
    db.session.commit()
    return jsonify(device=device.public_id, label=device.device_label,
                   message=_("Notifications are on for this phone.")), 201


@bp.post("/push/unsubscribe")
def push_unsubscribe():
    """"Turn off on this phone": the page names its own subscription by its endpoint."""
    data = request.get_json(silent=True)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not subscriptions.is_plain_text(endpoint):
        return _json_error(_("The subscription is not in the expected form."))
    removed = subscriptions.remove(current_user.id, endpoint=endpoint)
    db.session.commit()
    return jsonify(removed=removed, message=_("Notifications are off for this phone."))


@bp.post("/push/devices/<public_id>/remove")
def push_remove_device(public_id: str):
    """Remove one device from the list (a lost phone): works without JavaScript."""
    if not subscriptions.remove(current_user.id, public_id=public_id):
        abort(404)
    db.session.commit()
    flash(_("This device will no longer receive notifications."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("core.home")))

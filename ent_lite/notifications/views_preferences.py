"""The notification preferences page: one form, saved as one row, for everyone who is told
anything (``rules.receives_notifications``); other accounts get 404."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ent_lite import rules
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications import preferences
from ent_lite.notifications.blueprint import bp
from ent_lite.notifications.forms_preferences import CATEGORY_LABELS, PreferencesForm


@bp.route("/notifications", methods=["GET", "POST"], endpoint="preferences")
def preferences_page():
    if not rules.receives_notifications(current_user):
        abort(404)
    if request.method == "POST":
        form = PreferencesForm()
    else:
        form = PreferencesForm.from_preferences(preferences.preferences_of(current_user.id))
    if form.validate_on_submit():
        preferences.save(current_user.id, form.choices(), utcnow())
        db.session.commit()
        flash(_("Your notification choices are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, categories=CATEGORY_LABELS)

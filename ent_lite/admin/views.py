"""Administration: the home page and the roster import (admins only, others get 404)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ent_lite.admin import (  # noqa: F401  (the other administration pages, on the same blueprint)
    views_email_problems, views_establishments, views_review, views_staff)
from ent_lite.admin.blueprint import bp
from ent_lite.admin.forms import RosterForm
from ent_lite.admin.roster_upload import upload_roster
from ent_lite.admin.services import overview
from ent_lite.core.auth import roles_required
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.roster_apply import SUMMARY_LABELS
from ent_lite.school.services import current_school_year

MAX_ERRORS_SHOWN = 500
SUMMARY_SESSION_KEY = "roster_summary"


@bp.get("/")
@roles_required("admin")
def index():
    school_year = current_school_year(utcnow())
    return render_template("admin/index.html", figures=overview(school_year, current_user.city_id),
                           school_year=school_year)


@bp.route("/roster", methods=["GET", "POST"])
@roles_required("admin")
def roster():
    now = utcnow()
    form = RosterForm(school_year=current_school_year(now))
    errors = None
    if form.validate_on_submit():
        upload = upload_roster(current_user, form.roster.data.read(), form.school_year.data.strip(),
                               dry_run=bool(form.dry_run.data), now=now, city_name=current_app.config["CITY_NAME"],
                               valid_days=current_app.config["ACTIVATION_CODE_DAYS"])
        if upload.keep:
            db.session.commit()
        else:
            db.session.rollback()
        if upload.errors:
            errors = upload.errors
        else:
            session[SUMMARY_SESSION_KEY] = upload.summary
            flash(_("The file was checked: nothing was saved.") if form.dry_run.data
                  else _("The roster was imported."), "success")
            return redirect(url_for(".roster"))
    summary = session.pop(SUMMARY_SESSION_KEY, None)
    return render_template("admin/roster.html", form=form, errors=errors, summary=summary,
                           labels=SUMMARY_LABELS, max_errors=MAX_ERRORS_SHOWN)

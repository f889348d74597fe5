"""Privacy pages: the public notice, the DPO's register of processing, the admin's retention."""
from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ent_lite.core.auth import public, roles_required
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.privacy import retention
from ent_lite.privacy.forms import RetentionForm
from ent_lite.privacy.notice import current_notice_version, notice_register
from ent_lite.privacy.processing import processing_facts, processing_rows
from ent_lite.privacy.services import save_periods
from ent_lite.school.services import get_city

bp = Blueprint("privacy", __name__, template_folder="templates")

bp.add_app_template_global(notice_register)
bp.add_app_template_filter(retention.deletion_date, "deletion_date")


@bp.get("/privacy")
@public
def notice():
    return render_template("privacy/notice.html", version=current_notice_version())


def _controller_name() -> str:
    city = get_city()
    return city.name if city is not None else current_app.config["CITY_NAME"]


@bp.get("/privacy/register")
@roles_required("dpo")
def processing_register():
    return render_template("privacy/register.html", notice=notice_register(), controller=_controller_name(),
                           processing_facts=processing_facts)


@bp.get("/privacy/register.csv")
@roles_required("dpo")
def processing_register_csv():
    header, rows = processing_rows(notice_register(), _controller_name())
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    # The BOM lets spreadsheet programs read the file as UTF-8.
    body = "\ufeff" + buffer.getvalue()
    return Response(body.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="register-of-processing.csv"'})


@bp.get("/privacy/register.json")
@roles_required("dpo")
def processing_register_json():
    header, rows = processing_rows(notice_register(), _controller_name())
    body = json.dumps([dict(zip(header, row)) for row in rows], ensure_ascii=False, indent=2)
    return Response(body.encode("utf-8"), mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="register-of-processing.json"'})


@bp.route("/privacy/retention", methods=["GET", "POST"])
@roles_required("admin")
def retention_settings():
    form = RetentionForm(data=retention.all_days())
    if form.validate_on_submit():
        try:
            save_periods({key: form[key].data for key in retention.CATEGORIES}, current_user, utcnow())
        except retention.OutOfBounds as refused:
            form[refused.key].errors.append(refused.message)
        else:
            db.session.commit()
            flash(_("The retention periods are saved."), "success")
            return redirect(url_for("privacy.retention_settings"))
    return render_template("privacy/retention.html", form=form, categories=retention.CATEGORIES)

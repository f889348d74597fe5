"""Signing a post for one's children, the author's tracking page and the signature reminder."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ent_lite import rules
from ent_lite.audit.services import record
from ent_lite.core.dates import format_when
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import reading, signatures, tracking
from ent_lite.posts.blueprint import bp, load_post, page_number


@bp.post("/news/<public_id>/sign")
def sign(public_id: str):
    """Sign for the children listed in the ``child`` fields (public ids); 404 if any is not
    one the signer may sign for, and then nothing is written."""
    now = utcnow()
    post = load_post(public_id)
    reach = rules.reach_of(current_user)
    if (post is None or not rules.reads_as_family(current_user)
            or not rules.can_read_post(current_user, post, now, reach)):
        abort(404)
    places = reach.children.children_for((a.kind, a.value) for a in post.audience)
    try:
        written = signatures.sign(current_user, post, request.form.getlist("child"), places, now)
    except LookupError:
        abort(404)
    db.session.commit()
    if written and signatures.is_late(post, now):
        flash(_("Thank you: your signature is recorded, after the due date."), "success")
    elif written:
        flash(_("Thank you: your signature is recorded."), "success")
    else:
        flash(_("This was already signed."), "success")
    return redirect(url_for("posts.detail", public_id=post.public_id, _anchor="signature"))


def _trackable(public_id: str):
    post = load_post(public_id)
    reach = rules.reach_of(current_user)
    if (post is None or not rules.can_track_post(current_user, post, reach)
            or not rules.can_read_post(current_user, post, reach=reach)):
        abort(404)
    return post, reach


@bp.get("/news/<public_id>/tracking")
def tracking_page(public_id: str):
    post, reach = _trackable(public_id)
    now = utcnow()
    shown = reading.tracking_page(current_user, post, reach, now, page_number())
    record("child.view", actor=current_user, target=post, now=now, details={"page": "tracking"})
    html = render_template("posts/tracking.html", **shown.context())
    db.session.commit()  # after rendering, so the page does not reload what it already has
    return html


@bp.post("/news/<public_id>/remind")
def remind(public_id: str):
    post, _reach = _trackable(public_id)
    try:
        families = tracking.request_reminder(post, current_user, utcnow())
    except tracking.ReminderRefused as refused:
        db.session.rollback()
        if refused.reason == "too_soon":
            flash(_("A reminder was already sent less than 24 hours ago. You can send the next one from %(date)s.",
                    date=format_when(refused.next_dt)), "error")
        elif refused.reason == "no_account":
            flash(_("Nobody can be reminded: the guardians who have not signed have no active account yet. "
                    "Give them a paper copy."), "error")
        else:
            flash(_("There is nothing to remind: this post asks for no signature, or is not visible to families."),
                  "error")
        return redirect(url_for("posts.tracking_page", public_id=post.public_id))
    db.session.commit()
    if families:
        flash(ngettext("The reminder will be sent to %(num)d family that has not signed yet.",
                       "The reminder will be sent to %(num)d families that have not signed yet.", families),
              "success")
    else:
        flash(_("Every family has signed: nobody needs a reminder."), "success")
    return redirect(url_for("posts.tracking_page", public_id=post.public_id))

"""Staff pages: the activities one manages, writing one, publishing or withdrawing it; the
city's family-quotient brackets (admin).

City agents manage their service's activities, animators their periscolaire site's
(``permissions``); everyone else, and anything of another city or establishment, gets 404.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ent_lite import rules
from ent_lite.accounts.models import Role
from ent_lite.activities import brackets, manage, manage_photo, manage_publish, permissions
from ent_lite.activities.blueprint import bp
from ent_lite.activities.forms_manage import (
    ADD_SESSIONS,
    CATEGORY_LABELS,
    ActivityForm,
    BracketsForm,
    PublishForm,
)
from ent_lite.activities.models import Activity
from ent_lite.core.auth import roles_required
from ent_lite.core.db_types import utcnow
from ent_lite.core.form_errors import error_items
from ent_lite.extensions import db
from ent_lite.files.services import UploadRefused
from ent_lite.files.drafts import own_drafts


def _managed_or_404(public_id: str) -> Activity:
    activity = permissions.find_managed(current_user, public_id)
    if activity is None:
        abort(404)
    return activity


def _may_manage_or_404() -> None:
    if not permissions.may_manage_activities(current_user):
        abort(404)


@bp.get("/activites/gerer")
def manage_list():
    _may_manage_or_404()
    # Each row shows its dates, from the activity's sessions: loaded in one query for the list.
    activities = db.session.scalars(permissions.managed_activities(current_user)
                                    .options(selectinload(Activity.sessions))).all()
    return render_template("activities/manage_list.html", activities=activities, status=manage.status,
                           category_labels=CATEGORY_LABELS)


def _form(formdata=None) -> ActivityForm:
    kwargs = {} if formdata is None else {"formdata": formdata}
    return ActivityForm(brackets=brackets.city_brackets(current_user.city_id),
                        organisers=manage.organisers(current_user),
                        campaigns=manage.campaigns_of(current_user), **kwargs)


def _render(form: ActivityForm, activity: Activity | None):
    draft = own_drafts(current_user, [form.photo_draft.data]) if form.photo_draft.data else []
    return render_template("activities/manage_form.html", form=form, activity=activity,
                           errors=error_items(form), draft=draft[0] if draft else None, add_sessions_name=ADD_SESSIONS,
                           status=manage.status(activity) if activity else "draft")


def _submit(form: ActivityForm, activity: Activity | None):
    """One submit of the activity form: saved (redirect), or sent back with every problem and
    everything typed, the photo included."""
    now = utcnow()
    valid = form.validate()
    try:
        photo = manage_photo.prepare(form.photo.data)  # before any write
    except UploadRefused as refused:
        form.photo.errors = [*form.photo.errors, refused.message]
        photo, valid = None, False
    data = form.to_input()
    if ADD_SESSIONS in request.form:
        form.add_session_rows()
        valid = False
    else:
        problems = manage.check(data, current_user, now, activity)
        form.show(problems)
        valid = valid and not problems
    if valid:
        try:
            activity = manage.save(activity, data, current_user, now)
        except manage.CapacityTaken:
            db.session.rollback()
            form.show({"capacity": _("Places were taken meanwhile: the capacity cannot be lower than them.")})
        else:
            draft = manage_photo.keep(current_user, form.photo_draft.data, photo, now)
            manage_photo.adopt(activity, draft, bool(form.remove_photo.data))
            db.session.commit()
            flash(_("The activity is saved."), "success")
            return redirect(url_for("activities.edit", public_id=activity.public_id))
    draft = manage_photo.keep(current_user, form.photo_draft.data, photo, now)
    form.photo_draft.data = draft.public_id if draft else ""
    db.session.commit()
    return _render(form, activity)


@bp.route("/activites/nouvelle", methods=["GET", "POST"])
def new():
    _may_manage_or_404()
    if request.method == "GET":
        return _render(_form(formdata=None), None)
    return _submit(_form(), None)


@bp.route("/activites/<public_id>/modifier", methods=["GET", "POST"])
def edit(public_id: str):
    activity = _managed_or_404(public_id)
    if request.method == "GET":
        form = _form(formdata=None)
        form.fill(activity)
        return _render(form, activity)
    return _submit(_form(), activity)


@bp.route("/activites/<public_id>/publier", methods=["GET", "POST"])
def publish(public_id: str):
    activity = _managed_or_404(public_id)
    targets = rules.postable_targets(current_user)
    form = PublishForm()
    form.offer(targets)
    if request.method == "GET":
        form.targets.data = [t.token for t in manage_publish.default_targets(activity, targets)]
        form.offer(targets)
    elif form.validate():
        try:
            post = manage_publish.publish(activity, current_user, utcnow(),
                                          form.chosen_targets() if form.announce.data else None)
        except manage_publish.NotPublishable as refused:
            form.announce.errors = [refused.message]
        else:
            db.session.commit()
            flash(_("The activity is published.") + (" " + _("The announcement is posted.") if post else ""),
                  "success")
            return redirect(url_for("activities.manage_list"))
    return render_template("activities/manage_publish.html", form=form, activity=activity,
                           has_targets=bool(targets), errors=error_items(form))


@bp.post("/activites/<public_id>/retirer")
def withdraw(public_id: str):
    activity = _managed_or_404(public_id)
    removed = manage_publish.withdraw(activity, utcnow(), current_user)
    db.session.commit()
    flash(_("The activity is withdrawn: families no longer see it in the catalogue.") + " " +
          ngettext("%(num)d registration is cancelled; the family is told.",
                   "%(num)d registrations are cancelled; each family is told.", removed), "success")
    return redirect(url_for("activities.manage_list"))


@bp.route("/activites/tranches", methods=["GET", "POST"], endpoint="brackets")
@roles_required(Role.ADMIN)
def brackets_page():
    current = brackets.city_brackets(current_user.city_id)
    form = BracketsForm() if request.method == "POST" else BracketsForm(formdata=None)
    if request.method == "GET":
        form.fill(current)
    elif form.validate():
        rows = form.to_rows()
        problems = brackets.check(current_user.city_id, rows)
        form.show(problems)
        if not problems:
            brackets.save(current_user, rows, utcnow())
            db.session.commit()
            flash(_("The brackets are saved."), "success")
            return redirect(url_for("activities.brackets"))
    return render_template("activities/manage_brackets.html", form=form, errors=error_items(form),
                           used=brackets.in_use(b.id for b in current))


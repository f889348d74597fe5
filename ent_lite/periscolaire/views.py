"""The periscolaire pages: sites, their groups and animators, enrolments, a group's kind, the
absence cutoff.

Load → check (``periscolaire.services`` rules; a refusal is 404) → one service → redirect.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from sqlalchemy import select

from ent_lite import rules
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import BAD_TIME
from ent_lite.extensions import db
from ent_lite.periscolaire import group_page, services
from ent_lite.periscolaire.blueprint import bp
from ent_lite.periscolaire.forms import CutoffForm, EnrolForm, KindForm, RemoveForm
from ent_lite.periscolaire.kinds import KIND_LABELS
from ent_lite.school.models import (
    DEFAULT_ABSENCE_CUTOFF,
    Establishment,
    EstablishmentKind,
    Group,
    GroupKind,
    PeriscolaireKind,
)


@bp.get("/periscolaire")
def sites():
    reach = rules.reach_of(current_user)
    if not services.may_keep_sites(current_user, reach):
        abort(404)
    found = db.session.scalars(services.managed_sites(current_user, reach).order_by(Establishment.name)).all()
    return render_template("periscolaire/sites.html", rows=services.site_rows(list(found)), kind_labels=KIND_LABELS,
                           untyped=db.session.scalars(services.untyped_groups([s.id for s in found])
                                                      .order_by(Group.name, Group.id)).all())


@bp.route("/periscolaire/sites/<public_id>", methods=["GET", "POST"])
def site(public_id: str):
    found = db.session.scalar(select(Establishment).where(Establishment.public_id == public_id,
                                                          Establishment.kind == EstablishmentKind.PERISCOLAIRE))
    if found is None or not services.can_manage_site(current_user, found):
        abort(404)
    form = CutoffForm(data={"cutoff": found.absence_cutoff.strftime("%H:%M") if found.absence_cutoff else ""})
    if form.validate_on_submit():
        valid, cutoff = services.parse_cutoff(form.cutoff.data)
        if not valid:
            form.cutoff.errors = [BAD_TIME]
        else:
            if services.set_cutoff(current_user, found, cutoff, utcnow()):
                _saved(_("The changes were saved."))
            return redirect(url_for(".site", public_id=public_id))
    (row,) = services.site_rows([found])
    return render_template("periscolaire/site.html", row=row, form=form, kind_labels=KIND_LABELS,
                           default_cutoff=DEFAULT_ABSENCE_CUTOFF.strftime("%H:%M"))


def _group_or_404(public_id: str) -> Group:
    group = db.session.scalar(select(Group).where(Group.public_id == public_id, Group.kind == GroupKind.PERISCOLAIRE))
    if group is None or not services.can_view_group(current_user, group):
        abort(404)
    return group


@bp.route("/periscolaire/groupes/<public_id>", methods=["GET", "POST"])
def group(public_id: str):
    found = _group_or_404(public_id)
    try:
        page = group_page.group_page(current_user, found, request.args.get("ecole", ""), request.args.get("classe", ""))
    except group_page.ForgedSchool:
        abort(404)
    action, problem = request.form.get("action"), None
    kind_form = KindForm(formdata=request.form if action == "kind" else None,
                         data={"periscolaire_kind": found.periscolaire_kind or ""})
    if request.method == "POST" and not page.may_edit:
        abort(404)
    if action == "kind" and kind_form.validate_on_submit():
        if kind_form.periscolaire_kind.data not in PeriscolaireKind.ALL:
            kind_form.periscolaire_kind.errors = [_("Choose when the group looks after the children.")]
        else:
            if services.set_kind(current_user, found, kind_form.periscolaire_kind.data, utcnow()):
                _saved(_("The changes were saved."))
            return redirect(url_for(".group", public_id=public_id))
    if action == "remove" and RemoveForm().validate_on_submit():
        child = group_page.unenrol_child(current_user, found, request.form.get("child"), utcnow())
        if child is not None:
            _saved(_("%(name)s is no longer in this group.", name=child.display_name))
        return redirect(url_for(".group", public_id=public_id))
    if action == "enrol" and EnrolForm().validate_on_submit():
        chosen, problem = group_page.pick_children(page, request.form.getlist("child"))
        if problem is None:
            added = services.enrol(current_user, found, chosen, utcnow())
            _saved(ngettext("%(num)d child added to the group.", "%(num)d children added to the group.", added))
            return redirect(url_for(".group", public_id=public_id, ecole=page.school.public_id,
                                    classe=page.class_.public_id))
    return render_template(
        "periscolaire/group.html", group=found, may_edit=page.may_edit, children=services.enrolled_children(found),
        kind_labels=KIND_LABELS, school=page.school, class_=page.class_, addable=page.addable, problem=problem,
        ticked=set(request.form.getlist("child")), schools=page.schools, kind_form=kind_form, classes=page.classes(),
        may_keep_site=services.can_manage_site(current_user, found.establishment))


def _saved(message: str) -> None:
    db.session.commit()
    flash(message, "success")

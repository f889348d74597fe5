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
from ent_lite.periscolaire import services
from ent_lite.periscolaire.blueprint import bp
from ent_lite.periscolaire.forms import CutoffForm, EnrolForm, KindForm, RemoveForm
from ent_lite.periscolaire.kinds import KIND_LABELS
from ent_lite.school.models import (
    DEFAULT_ABSENCE_CUTOFF,
    Child,
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
                db.session.commit()
                flash(_("The changes were saved."), "success")
            return redirect(url_for(".site", public_id=public_id))
    (row,) = services.site_rows([found])
    return render_template("periscolaire/site.html", row=row, form=form, kind_labels=KIND_LABELS,
                           default_cutoff=DEFAULT_ABSENCE_CUTOFF.strftime("%H:%M"))


def _group_or_404(public_id: str) -> Group:
    group = db.session.scalar(select(Group).where(Group.public_id == public_id, Group.kind == GroupKind.PERISCOLAIRE))
    if group is None or not services.can_view_group(current_user, group):
        abort(404)
    return group


def _chosen_class(schools: list[Establishment], group: Group) -> tuple[Establishment | None, Group | None]:
    """The school and class picked by the GET filters, among the schools offered: another
    school (of another district or city) is a forged address, 404. A class not of the chosen
    school (the school was just changed) is not chosen."""
    ref = request.args.get("ecole", "")
    if not ref:
        return None, None
    school = next((s for s in schools if s.public_id == ref), None)
    if school is None:
        abort(404)
    class_ = db.session.scalar(select(Group).where(
        Group.public_id == request.args.get("classe", ""), Group.establishment_id == school.id,
        Group.kind == GroupKind.CLASS, Group.school_year == group.school_year))
    return school, class_


@bp.route("/periscolaire/groupes/<public_id>", methods=["GET", "POST"])
def group(public_id: str):
    found = _group_or_404(public_id)
    may_edit = services.can_edit_group(current_user, found)
    schools = services.pickable_schools(current_user, found.establishment) if may_edit else []
    school, class_ = _chosen_class(schools, found) if may_edit else (None, None)
    addable = services.addable_children(current_user, found, class_) if class_ is not None else []
    enrol_form, remove_form, problem = EnrolForm(), RemoveForm(), None
    action = request.form.get("action")
    kind_form = KindForm(formdata=request.form if action == "kind" else None,
                         data={"periscolaire_kind": found.periscolaire_kind or ""})
    if request.method == "POST":
        if not may_edit:
            abort(404)
        if action == "kind" and kind_form.validate_on_submit():
            if kind_form.periscolaire_kind.data not in PeriscolaireKind.ALL:
                kind_form.periscolaire_kind.errors = [_("Choose when the group looks after the children.")]
            else:
                if services.set_kind(current_user, found, kind_form.periscolaire_kind.data, utcnow()):
                    db.session.commit()
                    flash(_("The changes were saved."), "success")
                return redirect(url_for(".group", public_id=public_id))
        if request.form.get("action") == "remove" and remove_form.validate_on_submit():
            child = db.session.scalar(select(Child).where(Child.public_id == remove_form.child.data))
            if child is not None and services.unenrol(current_user, found, child, utcnow()):
                db.session.commit()
                flash(_("%(name)s is no longer in this group.", name=child.display_name), "success")
            return redirect(url_for(".group", public_id=public_id))
        if request.form.get("action") == "enrol" and enrol_form.validate_on_submit():
            wanted = set(request.form.getlist("child"))
            chosen = [c for c in addable if c.public_id in wanted]
            if not wanted or len(chosen) != len(wanted):
                problem = _("Tick at least one child of the list.") if not wanted else _("Choose children from the list.")
            else:
                added = services.enrol(current_user, found, chosen, utcnow())
                db.session.commit()
                flash(ngettext("%(num)d child added to the group.", "%(num)d children added to the group.", added),
                      "success")
                return redirect(url_for(".group", public_id=public_id, ecole=school.public_id,
                                        classe=class_.public_id))
    return render_template(
        "periscolaire/group.html", group=found, may_edit=may_edit, children=services.enrolled_children(found),
        kind_labels=KIND_LABELS, school=school, class_=class_, addable=addable, problem=problem,
        ticked=set(request.form.getlist("child")),
        schools=schools, kind_form=kind_form,
        classes=services.school_classes(school, found.school_year) if school is not None else [],
        may_keep_site=services.can_manage_site(current_user, found.establishment))

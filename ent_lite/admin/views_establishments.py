"""City services, periscolaire sites and districts (admins only, others get 404)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ent_lite.accounts.models import Role
from ent_lite.admin import establishments
from ent_lite.admin.blueprint import bp
from ent_lite.admin.forms import EstablishmentEditForm, EstablishmentForm, GroupForm
from ent_lite.core.auth import roles_required
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.periscolaire.kinds import KIND_LABELS
from ent_lite.school.services import current_school_year


def _show_problems(form, problems) -> None:
    for name, messages in problems.items():
        form[name].errors = list(form[name].errors) + messages


@bp.route("/establishments", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def establishment_list():
    form = EstablishmentForm()
    if form.validate_on_submit():
        created, problems = establishments.create_establishment(
            current_user, form.kind.data, form.name.data, form.district.data, utcnow())
        _show_problems(form, problems)
        if created is not None:
            db.session.commit()
            flash(_("“%(name)s” was created.", name=created.name), "success")
            return redirect(url_for(".establishment_edit", public_id=created.public_id))
    return render_template("admin/establishments.html", form=form, kind_labels=establishments.KIND_LABELS,
                           rows=establishments.city_establishments(current_user),
                           districts=establishments.city_districts(current_user))


@bp.route("/establishments/<public_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def establishment_edit(public_id: str):
    establishment = establishments.find_establishment(current_user, public_id) or abort(404)
    form = EstablishmentEditForm(obj=establishment)
    if form.validate_on_submit():
        problems = establishments.update_establishment(current_user, establishment, form.name.data,
                                                       form.district.data, utcnow())
        _show_problems(form, problems)
        if not problems:
            db.session.commit()
            flash(_("The changes were saved."), "success")
            return redirect(url_for(".establishment_edit", public_id=public_id))
    return _edit_page(establishment, form, GroupForm(formdata=None))


@bp.post("/establishments/<public_id>/groups")
@roles_required(Role.ADMIN)
def establishment_add_group(public_id: str):
    establishment = establishments.find_establishment(current_user, public_id) or abort(404)
    group_form = GroupForm()
    if group_form.validate_on_submit():
        group, problems = establishments.add_group(current_user, establishment, group_form.group_name.data,
                                                   current_school_year(utcnow()), utcnow(),
                                                   group_form.periscolaire_kind.data or None)
        _show_problems(group_form, problems)
        if group is not None:
            db.session.commit()
            flash(_("The group “%(name)s” was created.", name=group.name), "success")
            return redirect(url_for(".establishment_edit", public_id=public_id))
    return _edit_page(establishment, EstablishmentEditForm(obj=establishment, formdata=None), group_form)


def _edit_page(establishment, form, group_form):
    return render_template("admin/establishment_edit.html", establishment=establishment, form=form,
                           group_form=group_form, kind_labels=establishments.KIND_LABELS,
                           takes_groups=establishment.kind in establishments.GROUP_KIND,
                           group_kind_labels=KIND_LABELS,
                           districts=establishments.city_districts(current_user))

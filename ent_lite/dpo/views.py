"""Guardians' rights requests and the DPO's workspace (queue, consent figures, audit search).

The workspace is for the DPO only: everyone else gets 404, so nobody learns it exists.
The DPO sees requests, counts and pseudonymous audit entries, never posts or messages.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ent_lite.accounts.models import Role
from ent_lite.audit import services as audit
from ent_lite.core.auth import roles_required
from ent_lite.core.dates import format_day
from ent_lite.core.db_types import utcnow
from ent_lite.dpo import services
from ent_lite.dpo.audit_search import AuditQuery, search_audit
from ent_lite.dpo.forms import KIND_LABELS, AnswerForm, AuditSearchForm, EraseForm, RequestForm
from ent_lite.dpo.models import RequestStatus, RightsRequest
from ent_lite.extensions import db
from ent_lite.school.services import guardian_children

bp = Blueprint("dpo", __name__, template_folder="templates")

MAX_PAGE = 10_000
STATUS_LABELS = {
    RequestStatus.OPEN: _l("Open"),
    RequestStatus.DONE: _l("Done"),
    RequestStatus.REFUSED: _l("Refused"),
}


def _page() -> int:
    page = request.args.get("page", 1, type=int)
    return min(page, MAX_PAGE) if page and page > 0 else 1


@bp.app_template_global()
def rights_request_kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@bp.app_template_global()
def rights_request_status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


# --- guardians ------------------------------------------------------------------------------

@bp.route("/privacy/requests/new", methods=["GET", "POST"])
@roles_required(Role.GUARDIAN)
def new_request():
    form = RequestForm()
    form.offer(guardian_children(current_user.id))
    if request.method == "GET" and request.args.get("kind") in KIND_LABELS:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        now = utcnow()
        created = services.create_request(current_user, form.kind.data, form.message.data or "", now,
                                          child=form.chosen_child())
        db.session.commit()
        services.notify_dpo(created)
        flash(_("Your request is received. The data protection officer will answer by %(date)s.",
                date=format_day(created.due_dt)), "success")
        return redirect(url_for("dpo.my_requests", _anchor=f"request-{created.public_id}"))
    return render_template("dpo/new_request.html", form=form)


@bp.get("/privacy/requests")
@roles_required(Role.GUARDIAN)
def my_requests():
    return render_template("dpo/my_requests.html", requests=services.requests_of(current_user))


# --- the DPO's workspace --------------------------------------------------------------------

@bp.get("/dpo")
@roles_required(Role.DPO)
def workspace():
    page = _page()
    closed, has_next = services.closed_requests(current_user, page)
    return render_template("dpo/workspace.html", open_requests=services.open_requests(current_user),
                           closed=closed,
                           page=page, has_next=has_next, now=utcnow())


def _load_request(public_id: str) -> RightsRequest:
    found = db.session.scalar(services.city_requests(current_user).where(RightsRequest.public_id == public_id[:40]))
    if found is None:
        abort(404)
    return found


@bp.route("/dpo/requests/<public_id>", methods=["GET", "POST"])
@roles_required(Role.DPO)
def request_page(public_id: str):
    rights_request = _load_request(public_id)
    form = AnswerForm()
    closed_meanwhile = False
    if rights_request.is_open and form.validate_on_submit():
        now = utcnow()
        try:
            services.close_request(rights_request, form.decision.data, form.answer.data or "", current_user, now)
        except services.AlreadyClosed:
            db.session.rollback()  # another DPO or tab answered while this one was typing
            closed_meanwhile = True
        else:
            db.session.commit()
            services.notify_requester(rights_request)
            flash(_("The request is closed and the guardian is told."), "success")
            return redirect(url_for("dpo.request_page", public_id=rights_request.public_id))
    if request.method == "POST" and (closed_meanwhile or not rights_request.is_open):
        flash(_("This request was already closed."), "error")
    if request.method == "GET":
        services.record_view(rights_request, current_user, utcnow())
        db.session.commit()
    return render_template("dpo/request.html", item=rights_request, form=form, now=utcnow(),
                           may_erase=services.may_erase(rights_request))


@bp.route("/dpo/requests/<public_id>/erase", methods=["GET", "POST"])
@roles_required(Role.DPO)
def erase(public_id: str):
    rights_request = _load_request(public_id)
    if not services.may_erase(rights_request):
        abort(404)
    form = EraseForm()
    if form.validate_on_submit():
        try:
            services.carry_out_erasure(rights_request, current_user, utcnow())
        except services.AlreadyClosed:
            db.session.rollback()
            flash(_("This request was already closed."), "error")
            return redirect(url_for("dpo.request_page", public_id=rights_request.public_id))
        db.session.commit()
        flash(_("The account and the data of this guardian are erased; the request is closed."), "success")
        return redirect(url_for("dpo.request_page", public_id=rights_request.public_id))
    return render_template("dpo/erase.html", item=rights_request, form=form)


@bp.get("/dpo/consents")
@roles_required(Role.DPO)
def consent_statistics():
    return render_template("dpo/consents.html", stats=services.consent_statistics(utcnow(), current_user.city_id))


@bp.get("/dpo/audit")
@roles_required(Role.DPO)
def audit_search():
    form = AuditSearchForm(request.args)
    page = _page()
    result, actor_missing = None, False
    if form.validate():
        query = AuditQuery(form.actor.data, form.action.data, form.since.data, form.until.data)
        result, actor_missing = search_audit(query, current_user, page, utcnow())
        db.session.commit()
    return render_template("dpo/audit.html", form=form, result=result, actor_missing=actor_missing,
                           page=page, details_of=audit.details_of, query=_query_without_page())


def _query_without_page() -> dict:
    return {key: value for key, value in request.args.items() if key != "page"}

"""Calendar events' pages: one event, writing and changing a standalone event, cancelling it,
and the list of the events I manage. Load, check (``ent_lite.rules``), one service, render.
Every refusal is a 404, so nobody learns that an event exists."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ent_lite import rules
from ent_lite.accounts import throttling
from ent_lite.agenda import documents
from ent_lite.agenda.blueprint import bp
from ent_lite.agenda.event_dates import event_when
from ent_lite.agenda.events import cancel_event, create_event, event_of_post, keys_beyond, update_event
from ent_lite.agenda.forms_events import CATEGORY_LABELS, EventForm, event_form_data
from ent_lite.agenda.models import Event
from ent_lite.core import form_errors
from ent_lite.core.db_types import PUBLIC_ID_LENGTH, utcnow
from ent_lite.core.localtime import to_local
from ent_lite.extensions import db
from ent_lite.files.processing import UploadRefused

PAST_SHOWN = 30

bp.add_app_template_filter(event_when, "event_when")


@bp.app_template_global("event_of_post")
def live_event_of_post(post) -> Event | None:
    """The date a post carries, for its page (None when it has none or it was removed)."""
    event = event_of_post(post)
    return None if event is None or event.is_cancelled else event


def _load(public_id: str) -> Event | None:
    if len(public_id) > PUBLIC_ID_LENGTH:
        return None
    return db.session.scalar(select(Event).where(Event.public_id == public_id).options(
        joinedload(Event.establishment), joinedload(Event.author), selectinload(Event.audience)))


def _ics_url(event: Event) -> str:
    """"Add to my calendar": the .ics of this event."""
    return url_for("agenda.event_ics", public_id=event.public_id)


@bp.get("/agenda/evenements/<public_id>")
def event(public_id: str):
    now = utcnow()
    reach = rules.reach_of(current_user)
    found = _load(public_id)
    if found is None or not rules.can_view_event(current_user, found, now, reach):
        abort(404)
    post = found.post if found.post_id is not None else None
    return render_template(
        "agenda/event_detail.html", event=found, now=now, category=CATEGORY_LABELS.get(found.category),
        post=post if post is not None and rules.can_read_post(current_user, post, now, reach) else None,
        can_edit_post=post is not None and rules.can_edit_post(current_user, post),
        may_change=rules.may_change_event(current_user, found), ics_url=_ics_url(found))


# --- writing ------------------------------------------------------------------------------------

def _form(targets, **kwargs) -> EventForm:
    form = EventForm(**kwargs)
    form.offer(targets)
    if not rules.may_mark_event_public(current_user):
        del form.is_public
    return form


def _render(form: EventForm, event: Event | None = None, status: int = 200):
    return render_template("agenda/event_form.html", form=form, event=event,
                           errors=form_errors.error_items(form),
                           draft_field=documents.DRAFT_FIELD, remove_field=documents.REMOVE_FIELD), status


def _document(form: EventForm, now, current=None):
    """The document after this submit: a new PDF, the draft sent back, or the event's own;
    None when removed. Returns (document, refusal status or None)."""
    status = None
    try:
        processed = documents.prepare_document(form.document.data)
    except UploadRefused as refused:
        form.document.errors = [*form.document.errors, refused.message]
        processed, status = [], refused.status
    remove = bool(request.form.get(documents.REMOVE_FIELD))
    draft = documents.keep_document(current_user, request.form.get(documents.DRAFT_FIELD), remove, processed, now)
    form.kept_document = draft or (None if remove else current)
    # The event's own PDF is only deleted by a save: a page sent back for correction says it
    # goes and carries the choice on, or the next save would silently keep it.
    form.removed_document = current if remove and current is not None and draft is None else None
    return form.kept_document, status


@bp.route("/agenda/evenements/nouveau", methods=["GET", "POST"])
@throttling.files_per_account
def event_new():
    if not rules.may_publish_events(current_user):
        abort(404)
    targets = rules.event_targets(current_user)
    form = _form(targets)
    if request.method == "GET":
        if len(targets) == 1:
            form.targets.data = [targets[0].token]  # the narrowest audience, when there is no choice
        return _render(form)
    now = utcnow()
    valid = form.validate()
    document, refused = _document(form, now)
    if not valid or refused:
        db.session.commit()  # the PDF stays as a draft: it is not chosen again
        return _render(form, status=refused or 200)
    created = create_event(current_user, form.details(document), form.chosen_targets(), now)
    db.session.commit()
    flash(_("The event is in the calendar."), "success")
    return redirect(url_for("agenda.event", public_id=created.public_id))


@bp.route("/agenda/evenements/<public_id>/modifier", methods=["GET", "POST"])
@throttling.files_per_account
def event_edit(public_id: str):
    found = _load(public_id)
    if found is None or not rules.may_change_event(current_user, found):
        abort(404)
    targets = rules.event_targets(current_user)
    tokens = {t.key: t.token for t in targets}
    form = _form(targets, data=event_form_data(found, tokens))
    # A colleague's reach may differ from the author's: what they cannot choose stays.
    form.kept_keys, form.sent_from = keys_beyond(found, targets), found.establishment_id
    form.kept_document = found.document
    if request.method == "GET":
        return _render(form, found)
    now = utcnow()
    valid = form.validate()
    document, refused = _document(form, now, current=found.document)
    if not valid or refused:
        db.session.commit()
        return _render(form, found, status=refused or 200)
    changed = update_event(found, form.details(document), form.chosen_targets(), now, actor=current_user)
    db.session.commit()
    flash(_("Your changes are saved.") if changed else _("Nothing changed."), "success")
    return redirect(url_for("agenda.event", public_id=found.public_id))


@bp.post("/agenda/evenements/<public_id>/annuler")
def event_cancel(public_id: str):
    found = _load(public_id)
    if found is None or not rules.may_change_event(current_user, found):
        abort(404)
    cancel_event(found, current_user, utcnow())
    db.session.commit()
    flash(_("The event is cancelled: the families' calendars show it cancelled."), "success")
    return redirect(url_for("agenda.event", public_id=found.public_id))


@bp.get("/agenda/gerer")
def manage():
    if not rules.may_publish_events(current_user):
        abort(404)
    today = to_local(utcnow()).date()
    last_day = Event.last_day_expr()
    query = rules.managed_events(current_user).options(joinedload(Event.establishment))
    upcoming = db.session.scalars(query.where(last_day >= today).order_by(Event.start_date, Event.id)).all()
    past = db.session.scalars(query.where(last_day < today).order_by(Event.start_date.desc(), Event.id.desc())
                              .limit(PAST_SHOWN)).all()
    return render_template("agenda/event_manage.html", upcoming=upcoming, past=past, categories=CATEGORY_LABELS,
                           past_shown=PAST_SHOWN)


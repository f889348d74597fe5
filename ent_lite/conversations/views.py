"""Conversations: the inbox, starting a thread, a thread page, reply, withdraw, close.

Every handler loads the thread, asks ent_lite.rules, and answers 404 to anyone who may not
read it, so nobody learns that a thread exists.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ent_lite import rules
from ent_lite.accounts import throttling
from ent_lite.audit.services import record
from ent_lite.conversations import services
from ent_lite.conversations.forms import AgentThreadForm, ChildThreadForm, FamilyThreadForm, ReplyForm, StaffThreadForm
from ent_lite.conversations.models import Message, Thread
from ent_lite.core.db_types import PUBLIC_ID_LENGTH, utcnow
from ent_lite.extensions import db
from ent_lite.files import services as file_services
from ent_lite.files.services import UploadRefused
from ent_lite.posts.models import Post
from ent_lite.school.models import Child, Establishment

bp = Blueprint("conversations", __name__, template_folder="templates")

MAX_PAGE = 10_000


def _load_thread(public_id: str) -> Thread:
    thread = db.session.scalar(
        select(Thread).where(Thread.public_id == public_id)
        .options(joinedload(Thread.child), joinedload(Thread.establishment), joinedload(Thread.post))
    )
    if thread is None or not rules.can_read_thread(current_user, thread):
        abort(404)
    return thread


def _prepared_files(form) -> list | None:
    """The form's uploads, checked and processed before anything is written; None (and the
    reason next to the input) if one is refused."""
    try:
        return file_services.prepare_uploads(form.files.data or [])
    except UploadRefused as refused:
        form.files.refuse(refused.message)
        form.upload_status = refused.status
        return None


@bp.get("/messages")
def inbox():
    if not rules.may_use_messages(current_user):
        abort(404)
    page = request.args.get("page", 1, type=int)
    page = min(page, MAX_PAGE) if page and page > 0 else 1
    rows, has_next = services.inbox_page(current_user, page, current_app.config.get("THREADS_PER_PAGE", 20))
    return render_template("conversations/inbox.html", rows=rows, page=page, has_next=has_next)


@bp.route("/messages/new", methods=["GET", "POST"])
@throttling.messages_per_account
@throttling.files_per_account
def start():
    if not rules.may_use_messages(current_user):
        abort(404)
    if request.args.get("post") is not None:
        return _start_from_post(request.args["post"])
    if rules.starts_family_threads(current_user):
        form = FamilyThreadForm()
        reach = rules.reach_of(current_user)
        children = db.session.scalars(rules.visible_children(current_user, reach)).all()
        form.offer(rules.thread_contacts(children) + rules.city_services_for(current_user), children)
        return _start_family(form, mode="family")
    if rules.may_write_to_families(current_user) and request.args.get("child") is not None:
        return _start_to_family(request.args["child"])
    if rules.may_write_about_pupils(current_user) and request.args.get("with") != "colleagues":
        return _start_about_child()
    return _start_with_colleagues()


def _start_from_post(post_ref: str):
    """A guardian replies to a post: a thread with its author about a child it concerns, or
    with the city service the post was sent from."""
    post = db.session.scalar(select(Post).where(Post.public_id == post_ref).options(selectinload(Post.audience)))
    contacts = rules.post_reply_contacts(current_user, post) if post is not None else []
    if not contacts:
        abort(404)
    form = FamilyThreadForm()
    form.offer(contacts, db.session.scalars(rules.visible_children(current_user)).all())
    if request.method == "GET" and not form.subject.data:
        form.subject.data = post.title[: services.MAX_SUBJECT_LENGTH]
    return _start_family(form, mode="post", post=post)


def _start_family(form: FamilyThreadForm, mode: str, post: Post | None = None):
    now = utcnow()
    if form.allowed and form.validate_on_submit() and (files := _prepared_files(form)) is not None:
        contact = form.chosen()
        if isinstance(contact, rules.ServiceContact):
            thread, _message = services.start_service_thread(
                current_user, contact.establishment_id, form.subject.data, form.body.data, now,
                child=form.chosen_child(), post=post, files=files)
        else:
            thread, _message = services.start_child_thread(
                current_user, db.session.get(Child, contact.child_id), contact.establishment_id,
                form.subject.data, form.body.data, now, addressee_id=contact.user_id, post=post, files=files)
        db.session.commit()
        flash(_("Message sent."), "success")
        return redirect(url_for("conversations.thread", public_id=thread.public_id))
    return _render_start(form, mode, post=post)


def _start_about_child():
    now = utcnow()
    form = ChildThreadForm()
    groups = services.children_for_staff(current_user, rules.reach_of(current_user))
    form.offer(groups)
    if form.allowed and form.validate_on_submit() and (files := _prepared_files(form)) is not None:
        child, establishment = form.chosen()
        thread, _message = services.start_child_thread(
            current_user, child, establishment.id, form.subject.data, form.body.data, now, files=files)
        db.session.commit()
        flash(_("Message sent."), "success")
        return redirect(url_for("conversations.thread", public_id=thread.public_id))
    return _render_start(form, "child", groups=groups)


def _start_to_family(child_ref: str):
    """A city agent writes to a child's family (the link on an activity's follow-up): 404, and
    nothing written, unless the child has a relationship with one of the agent's services."""
    now = utcnow()
    child = (db.session.scalar(select(Child).where(Child.public_id == child_ref))
             if len(child_ref) <= PUBLIC_ID_LENGTH else None)
    addressees = rules.family_addressees(current_user, child, now) if child is not None else []
    if not addressees:
        abort(404)
    form = AgentThreadForm()
    form.offer(db.session.scalars(select(Establishment).where(
        Establishment.id.in_(rules.agent_services_for(current_user, child, now)))
        .order_by(Establishment.name, Establishment.id)).all())
    if form.validate_on_submit() and (files := _prepared_files(form)) is not None:
        thread, _message = services.start_agent_thread(
            current_user, child, form.chosen().id, form.subject.data, form.body.data, now, files=files)
        db.session.commit()
        flash(_("Message sent."), "success")
        return redirect(url_for("conversations.thread", public_id=thread.public_id))
    return _render_start(form, "agent", child=child, addressees=addressees)


def _start_with_colleagues():
    now = utcnow()
    form = StaffThreadForm()
    colleagues = rules.colleagues_of(current_user)
    form.offer(colleagues)
    if form.allowed and form.validate_on_submit() and (files := _prepared_files(form)) is not None:
        establishment, people = form.chosen()
        thread, _message = services.start_staff_thread(
            current_user, establishment.id, [p.id for p in people], form.subject.data, form.body.data, now,
            files=files)
        db.session.commit()
        flash(_("Message sent."), "success")
        return redirect(url_for("conversations.thread", public_id=thread.public_id))
    return _render_start(form, "colleagues", colleagues=colleagues)


def _render_start(form, mode: str, **context):
    status = getattr(form, "upload_status", 200)
    return render_template("conversations/start.html", form=form, mode=mode, **context), status


@bp.get("/messages/<public_id>")
def thread(public_id: str):
    return _render_thread(_load_thread(public_id), ReplyForm())


def _render_thread(thread: Thread, form: ReplyForm, status: int = 200):
    now = utcnow()
    messages = services.thread_messages(thread)
    can_write = rules.can_write_in(current_user, thread)
    files = file_services.attachments_by_owner(message_ids=[m.id for m in messages])
    page = render_template(
        "conversations/thread.html",
        thread=thread,
        messages=messages,
        files=files,
        form=form,
        can_write=can_write,
        can_close=can_write and rules.can_close_thread(current_user, thread),
        withdrawable=services.withdrawable_ids(messages, current_user, now),
        participants=services.participants(thread),
        addressees=services.addressee_ids(thread) if thread.child_id is not None else set(),
        is_service=rules.is_service_thread(thread),
        group_names=services.child_group_names(thread),
        # The post stays private to its own readers (a staff member may have left its audience).
        linked_post=thread.post if thread.post and rules.can_read_post(current_user, thread.post, now) else None,
    )
    if thread.child_id is not None and current_user.is_staff:  # staff reading about a child
        record("child.view", actor=current_user, target=thread, now=now, details={"page": "thread"})
    # Opening the thread is the read mark itself: idempotent, so a GET may record it. Committed
    # after rendering so the page does not reload what it already has.
    services.mark_read(thread, current_user, now)
    db.session.commit()
    return page, status


@bp.post("/messages/<public_id>/reply")
@throttling.messages_per_account
@throttling.files_per_account
def reply(public_id: str):
    thread = _load_thread(public_id)
    if not rules.can_write_in(current_user, thread):
        flash(_("This conversation is closed: it can no longer receive messages."), "error")
        return redirect(url_for("conversations.thread", public_id=thread.public_id))
    form = ReplyForm()
    if not form.validate_on_submit():
        return _render_thread(thread, form)
    files = _prepared_files(form)
    if files is None:
        return _render_thread(thread, form, form.upload_status)
    now = utcnow()
    message = services.add_message(thread, current_user, form.body.data, now, files)
    services.mark_read(thread, current_user, now)
    db.session.commit()
    return redirect(url_for("conversations.thread", public_id=thread.public_id, _anchor=f"m-{message.public_id}"))


@bp.post("/messages/<public_id>/withdraw/<message_id>")
def withdraw(public_id: str, message_id: str):
    thread = _load_thread(public_id)
    message = db.session.scalar(select(Message).where(Message.public_id == message_id, Message.thread_id == thread.id))
    # Only its author may even try: anyone else learns nothing about the message.
    if message is None or message.author_id != current_user.id:
        abort(404)
    now = utcnow()
    if not rules.can_withdraw_message(current_user, message, now):
        flash(_("This message can no longer be withdrawn: only within 15 minutes of sending it."), "error")
    else:
        services.withdraw_message(message, current_user, now)
        db.session.commit()
        flash(_("Message withdrawn."), "success")
    return redirect(url_for("conversations.thread", public_id=thread.public_id))


@bp.post("/messages/<public_id>/close")
def close(public_id: str):
    thread = _load_thread(public_id)
    if current_user.role not in rules.THREAD_STAFF:
        abort(404)
    if thread.closed_dt is not None:
        return redirect(url_for("conversations.thread", public_id=thread.public_id))
    services.close_thread(thread, current_user, utcnow())
    db.session.commit()
    flash(_("Conversation closed."), "success")
    return redirect(url_for("conversations.thread", public_id=thread.public_id))

"""The exporters of the tables every feature of ent_lite keeps about a family."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ent_lite.accounts.models import AccountToken, ActivationCode, User
from ent_lite.conversations.models import Message, Thread, ThreadMember, ThreadRead
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.forms.models import Answer, PostForm, Question, Response
from ent_lite.posts.models import Post, PostPhotoChild, PostRead, PostSignature
from ent_lite.privacy import retention
from ent_lite.rights.models import DataExport
from ent_lite.school.models import Child, Enrolment, Establishment, Group, GuardianLink, RosterReview
from ent_lite.rights.registry import (PersonLabels, child_refs, deletion, exporter, family_responses, family_threads,
                                      post_refs, row)


@exporter("user_account", _l("Your account and contact details"))
def _accounts(guardian, child_ids):
    # Password hash, session nonce and second-factor secret are credentials, not information.
    u = guardian
    return [row(public_id=u.public_id, role=u.role, first_name=u.first_name, last_name=u.last_name,
                 email=u.email, pending_email=u.pending_email, phone=u.phone, language=u.locale, is_enabled=u.is_enabled,
                 privacy_notice_version=u.privacy_notice_version, created_dt=u.created_dt,
                 activated_dt=u.activated_dt, last_login_dt=u.last_login_dt,
                 password_changed_dt=u.password_changed_dt)]


@exporter("activation_code", _l("Activation codes"))
def _activation_codes(guardian, child_ids):
    # The code itself is a credential: its dates say all there is about the guardian.
    rows = db.session.scalars(select(ActivationCode).where(ActivationCode.user_id == guardian.id)
                              .order_by(ActivationCode.id))
    return [row(created_dt=r.created_dt, expires_dt=r.expires_dt, used_dt=r.used_dt) for r in rows]


@exporter("account_token", _l("Password reset links"))
def _account_tokens(guardian, child_ids):
    rows = db.session.scalars(select(AccountToken).where(AccountToken.user_id == guardian.id)
                              .order_by(AccountToken.id))
    return [row(purpose=r.purpose, created_dt=r.created_dt, expires_dt=r.expires_dt, used_dt=r.used_dt)
            for r in rows]


@exporter("child", _l("Your children's records"))
def _children(guardian, child_ids):
    rows = db.session.scalars(select(Child).where(Child.id.in_(child_ids)).order_by(Child.id))
    return [row(public_id=c.public_id, first_name=c.first_name, last_name=c.last_name, birth_date=c.birth_date,
                 level=c.level, created_dt=c.created_dt, left_dt=c.left_dt,
                 deletion_dt=deletion("pupil_records", c.left_dt)) for c in rows]


@exporter("enrolment", _l("Classes and groups"))
def _enrolments(guardian, child_ids):
    refs = child_refs(child_ids)
    rows = db.session.execute(
        select(Enrolment.child_id, Group.name, Group.kind, Group.school_year, Establishment.name)
        .join(Group, Group.id == Enrolment.group_id).join(Establishment, Establishment.id == Group.establishment_id)
        .where(Enrolment.child_id.in_(child_ids)).order_by(Enrolment.id))
    return [row(child=refs.get(cid), group=name, kind=kind, school_year=year, establishment=place)
            for cid, name, kind, year, place in rows]


@exporter("guardian_link", _l("Guardians of your children"))
def _guardian_links(guardian, child_ids):
    links = list(db.session.scalars(select(GuardianLink).where(GuardianLink.child_id.in_(child_ids))
                                    .order_by(GuardianLink.child_id, GuardianLink.rank)))
    refs, people = child_refs(child_ids), PersonLabels(guardian, [link.user_id for link in links])
    return [row(child=refs.get(link.child_id), guardian=people(link.user_id), rank=link.rank,
                 relation=link.relation, legal_authority=link.legal_authority) for link in links]


@exporter("roster_review", _l("Guardians of your children awaiting a check by the city"))
def _roster_reviews(guardian, child_ids):
    # The held guardian may be another family's namesake: the row says what waits, never who.
    reviews = list(db.session.scalars(select(RosterReview).where(RosterReview.child_id.in_(child_ids))
                                      .order_by(RosterReview.child_id, RosterReview.rank)))
    refs = child_refs(child_ids)
    return [row(child=refs.get(r.child_id), rank=r.rank, relation=r.relation, school_year=r.school_year,
                held_since=r.created_dt) for r in reviews]


@exporter("post", _l("News about your family"))
def _posts(guardian, child_ids):
    # Posts the family read, signed, answered, or whose photos show one of the children.
    concerned = or_(
        Post.id.in_(select(PostRead.post_id).where(PostRead.user_id == guardian.id)),
        Post.id.in_(select(PostSignature.post_id).where(or_(PostSignature.child_id.in_(child_ids),
                                                            PostSignature.user_id == guardian.id))),
        Post.id.in_(select(PostPhotoChild.post_id).where(PostPhotoChild.child_id.in_(child_ids))),
        Post.id.in_(select(PostForm.post_id).join(Response, Response.form_id == PostForm.id)
                    .where(Response.id.in_(family_responses(guardian, child_ids)))),
        Post.id.in_(select(Thread.post_id).where(Thread.id.in_(family_threads(guardian, child_ids)))),
    )
    posts = list(db.session.execute(select(Post, Establishment.name).join(Establishment)
                                    .where(concerned).order_by(Post.published_dt)))
    people = PersonLabels(guardian, [post.author_id for post, _name in posts])
    return [row(public_id=post.public_id, title=post.title, author=people(post.author_id), establishment=name,
                 published_dt=post.published_dt, expires_dt=post.expires_dt,
                 deletion_dt=deletion("class_content", post.published_dt)) for post, name in posts]


@exporter("post_photo_child", _l("Your children tagged in post photos"))
def _photo_tags(guardian, child_ids):
    rows = list(db.session.execute(select(PostPhotoChild.post_id, PostPhotoChild.child_id)
                                   .where(PostPhotoChild.child_id.in_(child_ids)).order_by(PostPhotoChild.id)))
    refs, posts = child_refs(child_ids), post_refs(p for p, _c in rows)
    return [row(post=posts.get(pid), child=refs.get(cid)) for pid, cid in rows]


@exporter("post_read", _l("News you opened"))
def _post_reads(guardian, child_ids):
    rows = list(db.session.execute(select(PostRead.post_id, PostRead.read_dt)
                                   .where(PostRead.user_id == guardian.id).order_by(PostRead.id)))
    posts = post_refs(p for p, _d in rows)
    return [row(post=posts.get(pid), read_dt=when, deletion_dt=deletion("read_receipts", when))
            for pid, when in rows]


@exporter("post_signature", _l("Signatures"))
def _signatures(guardian, child_ids):
    rows = list(db.session.scalars(select(PostSignature).where(
        or_(PostSignature.child_id.in_(child_ids), PostSignature.user_id == guardian.id)).order_by(PostSignature.id)))
    refs, posts = child_refs(child_ids), post_refs(r.post_id for r in rows)
    people = PersonLabels(guardian, [r.user_id for r in rows])
    return [row(post=posts.get(r.post_id), child=refs.get(r.child_id), signed_by=people(r.user_id),
                 signed_dt=r.signed_dt, deletion_dt=deletion("form_answers", r.signed_dt)) for r in rows]


@exporter("post_form", _l("Polls and authorisations you answered"))
def _forms(guardian, child_ids):
    forms = list(db.session.scalars(select(PostForm).where(PostForm.id.in_(
        select(Response.form_id).where(Response.id.in_(family_responses(guardian, child_ids))))).order_by(PostForm.id)))
    posts = post_refs(f.post_id for f in forms)
    return [row(public_id=f.public_id, post=posts.get(f.post_id), kind=f.kind, answered_per=f.answered_per,
                 deadline_dt=f.deadline_dt) for f in forms]


@exporter("form_question", _l("Questions you answered"))
def _questions(guardian, child_ids):
    from ent_lite.forms.answering import question_label

    questions = db.session.execute(select(Question, PostForm.public_id).join(PostForm).where(
        Question.form_id.in_(select(Response.form_id).where(Response.id.in_(family_responses(guardian, child_ids)))))
        .order_by(Question.form_id, Question.position))
    return [row(form=form, position=q.position, kind=q.kind, label=question_label(q), choices=q.choices)
            for q, form in questions]


@exporter("form_response", _l("Answers given"))
def _responses(guardian, child_ids):
    rows = list(db.session.execute(select(Response, PostForm.public_id).join(PostForm).where(
        Response.id.in_(family_responses(guardian, child_ids))).order_by(Response.id)))
    refs = child_refs(child_ids)
    people = PersonLabels(guardian, [r.respondent_id for r, _f in rows])
    return [row(public_id=r.public_id, form=form, child=refs.get(r.child_id), answered_by=people(r.respondent_id),
                 created_dt=r.created_dt, updated_dt=r.updated_dt, deletion_dt=deletion("form_answers", r.updated_dt))
            for r, form in rows]


@exporter("form_answer", _l("Answer values"))
def _answers(guardian, child_ids):
    from ent_lite.forms.answering import display_value, question_label

    rows = db.session.execute(select(Answer, Question, Response.public_id)
                              .join(Question, Question.id == Answer.question_id)
                              .join(Response, Response.id == Answer.response_id)
                              .where(Answer.response_id.in_(family_responses(guardian, child_ids)))
                              .order_by(Answer.response_id, Question.position))
    return [row(response=response, question=question_label(q), value=display_value(q, a.value))
            for a, q, response in rows]


@exporter("thread", _l("Conversations about your children"))
def _threads(guardian, child_ids):
    threads = list(db.session.execute(select(Thread, Establishment.name).join(Establishment).where(
        Thread.id.in_(family_threads(guardian, child_ids))).order_by(Thread.id)))
    refs, posts = child_refs(child_ids), post_refs(t.post_id for t, _n in threads)
    people = PersonLabels(guardian, [u for t, _n in threads for u in (t.started_by_id, t.closed_by_id)])
    return [row(public_id=t.public_id, subject=t.subject, child=refs.get(t.child_id), establishment=name,
                 post=posts.get(t.post_id), started_by=people(t.started_by_id), created_dt=t.created_dt,
                 last_message_dt=t.last_message_dt, closed_dt=t.closed_dt,
                 closed_by=people(t.closed_by_id) if t.closed_by_id else None,
                 deletion_dt=deletion("conversations", t.last_message_dt)) for t, name in threads]


@exporter("thread_member", _l("Who conversations were addressed to"))
def _thread_members(guardian, child_ids):
    rows = list(db.session.execute(select(Thread.public_id, ThreadMember.user_id).join(Thread).where(
        ThreadMember.thread_id.in_(family_threads(guardian, child_ids))).order_by(ThreadMember.id)))
    people = PersonLabels(guardian, [u for _t, u in rows])
    return [row(thread=thread, member=people(user_id)) for thread, user_id in rows]


@exporter("message", _l("Messages"))
def _messages(guardian, child_ids):
    rows = list(db.session.execute(select(Message, Thread.public_id).join(Thread).where(
        Message.thread_id.in_(family_threads(guardian, child_ids))).order_by(Message.id)))
    people = PersonLabels(guardian, [m.author_id for m, _t in rows])
    return [row(public_id=m.public_id, thread=thread, author=people(m.author_id), body=m.body,
                 created_dt=m.created_dt, withdrawn_dt=m.withdrawn_dt) for m, thread in rows]


@exporter("thread_read", _l("Conversations you opened"))
def _thread_reads(guardian, child_ids):
    rows = db.session.execute(select(Thread.public_id, ThreadRead.last_read_dt).join(Thread)
                              .where(ThreadRead.user_id == guardian.id).order_by(ThreadRead.id))
    return [row(thread=thread, last_read_dt=when) for thread, when in rows]


def file_path(attachment: Attachment) -> str:
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", attachment.display_name or "file")[:100]
    return f"files/{attachment.public_id}-{name}"


def sent_files(guardian: User) -> list[Attachment]:
    # Only what the guardian sent: photos of their children posted by staff are not theirs to take.
    return list(db.session.scalars(select(Attachment).where(Attachment.uploader_id == guardian.id)
                                   .order_by(Attachment.id)))


@exporter("attachment", _l("Files you sent"))
def _attachments(guardian, child_ids):
    files = sent_files(guardian)
    posts = post_refs(a.post_id for a in files)
    message_ids = {a.message_id for a in files if a.message_id is not None}
    messages = dict(db.session.execute(select(Message.id, Message.public_id).where(Message.id.in_(message_ids))).all()) \
        if message_ids else {}
    return [row(public_id=a.public_id, name=a.display_name, kind=a.kind, content_type=a.content_type,
                 size_bytes=a.size_bytes, post=posts.get(a.post_id), message=messages.get(a.message_id),
                 created_dt=a.created_dt, file=file_path(a), deletion_dt=retention.deletion_date(a)) for a in files]


@exporter("consent_record", _l("Consents given and withdrawn"))
def _consents(guardian, child_ids):
    from ent_lite.consents.models import ConsentRecord

    rows = list(db.session.scalars(select(ConsentRecord).where(
        or_(ConsentRecord.guardian_id == guardian.id, ConsentRecord.child_id.in_(child_ids))).order_by(ConsentRecord.id)))
    refs, people = child_refs(child_ids), PersonLabels(guardian, [r.guardian_id for r in rows])
    return [row(public_id=r.public_id, purpose=r.purpose, audience=r.audience, child=refs.get(r.child_id),
                 given_by=people(r.guardian_id), granted=r.granted, notice_version=r.notice_hash,
                 created_dt=r.created_dt) for r in rows]


@exporter("data_export", _l("Your data exports"))
def _exports(guardian, child_ids):
    rows = db.session.scalars(select(DataExport).where(DataExport.user_id == guardian.id).order_by(DataExport.id))
    return [row(public_id=r.public_id, created_dt=r.created_dt, expires_dt=r.expires_dt, size=r.size) for r in rows]

"""The conversations a guardian's export holds: those about their children or that they started
or were addressed, with members, messages and reads (staff appear by their role)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ent_lite.conversations.models import Message, Thread, ThreadMember, ThreadRead
from ent_lite.extensions import db
from ent_lite.rights.registry import PersonLabels, child_refs, deletion, exporter, family_threads, post_refs, row
from ent_lite.school.models import Establishment


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

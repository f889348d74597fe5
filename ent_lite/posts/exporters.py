"""The posts a guardian's export holds: those the family read, signed, answered or wrote about,
or whose photos show one of the children, with the reads, signatures and photo tags."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ent_lite.conversations.models import Thread
from ent_lite.extensions import db
from ent_lite.forms.models import PostForm, Response
from ent_lite.posts.models import Post, PostPhotoChild, PostRead, PostSignature
from ent_lite.rights.registry import (PersonLabels, child_refs, deletion, exporter, family_responses, family_threads,
                                      post_refs, row)
from ent_lite.school.models import Establishment


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

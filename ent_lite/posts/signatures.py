"""The signature of the cahier de liaison: a guardian acknowledges a post for each child.

A guardian with legal authority signs for each of their children the post concerns; one
signature per child is enough unless the post asks for every guardian's. Signatures are
rows written when a guardian signs, never pre-created. After the due date a guardian may
still sign, as a paper cahier is signed late too: the signature is kept and shown as late.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ent_lite.audience.keys import ChildPlace
from ent_lite.core import upsert
from ent_lite.extensions import db
from ent_lite.posts.models import Post, PostSignature
from ent_lite.school.models import Child, GuardianLink

# The roster's free-text relation, shown to staff as one of three labels and nothing more.
_MOTHER = {"mère", "mere", "maman", "mother", "mum", "mom"}
_FATHER = {"père", "pere", "papa", "father", "dad"}
RELATION_LABELS = {"mother": _l("by the mother"), "father": _l("by the father"), "guardian": _l("by a guardian")}


def relation_label(relation: str | None) -> str:
    """Who signed, for the author: "by the mother", "by the father" or "by a guardian"."""
    word = (relation or "").strip().lower()
    kind = "mother" if word in _MOTHER else "father" if word in _FATHER else "guardian"
    return str(RELATION_LABELS[kind])


def names_list(names: Sequence[str]) -> str:
    """"Awa and Léo" in the reader's language."""
    return format_list(list(names), locale=get_locale() or "fr")


def is_late(post: Post, signed_dt: datetime) -> bool:
    return post.ack_due_dt is not None and signed_dt > post.ack_due_dt


# --- a guardian's view ----------------------------------------------------------------------

@dataclass
class ChildToSign:
    """One of the reader's children a signature request concerns."""

    public_id: str
    first_name: str
    group_name: str | None
    may_sign: bool  # the reader has legal authority for this child
    signed_dt: datetime | None = None  # when the reader signed
    others: list[datetime] = field(default_factory=list)  # when the other guardians signed
    done: bool = False  # nothing is left for the reader to sign for this child


@dataclass
class SignaturePanel:
    children: list[ChildToSign]
    due_dt: datetime | None
    overdue: bool
    every_guardian: bool

    @property
    def to_sign(self) -> list[ChildToSign]:
        return [c for c in self.children if c.may_sign and not c.done]

    @property
    def status(self) -> str:
        """As in the feed: "signed" once nothing is left to sign for any child, else "requested"."""
        return "signed" if self.children and all(c.done for c in self.children) else "requested"


def signature_rows(post_ids: Iterable[int], child_ids: Iterable[int]):
    """(post_id, child_id, user_id, relation, signed_dt) rows; the relation is the signer's to the child."""
    return db.session.execute(
        select(PostSignature.post_id, PostSignature.child_id, PostSignature.user_id,
               GuardianLink.relation, PostSignature.signed_dt)
        .outerjoin(GuardianLink, (GuardianLink.child_id == PostSignature.child_id)
                   & (GuardianLink.user_id == PostSignature.user_id))
        .where(PostSignature.post_id.in_(sorted(set(post_ids))), PostSignature.child_id.in_(sorted(set(child_ids))))
        .order_by(PostSignature.signed_dt, PostSignature.id)
    ).all()


def guardian_panel(user, post: Post, places: Sequence[ChildPlace], now: datetime) -> SignaturePanel | None:
    """What a guardian sees of a signature request (two queries), or None if there is none."""
    if not post.requires_ack or not places:
        return None
    ids = [p.child_id for p in places]
    links = {
        child_id: (public_id, authority)
        for child_id, public_id, authority in db.session.execute(
            select(GuardianLink.child_id, Child.public_id, GuardianLink.legal_authority)
            .join(Child, Child.id == GuardianLink.child_id)
            .where(GuardianLink.user_id == user.id, GuardianLink.child_id.in_(ids))
        )
    }
    by_child: dict[int, list] = defaultdict(list)
    for row in signature_rows([post.id], ids):
        by_child[row.child_id].append(row)
    children = []
    for place in places:
        if place.child_id not in links:
            continue
        public_id, authority = links[place.child_id]
        rows = by_child[place.child_id]
        mine = next((r.signed_dt for r in rows if r.user_id == user.id), None)
        child = ChildToSign(public_id, place.first_name, place.group_name, bool(authority), mine,
                            [r.signed_dt for r in rows if r.user_id != user.id])
        child.done = mine is not None if post.ack_every_guardian else bool(rows)
        children.append(child)
    overdue = post.ack_due_dt is not None and now > post.ack_due_dt
    return SignaturePanel(children, post.ack_due_dt, overdue, post.ack_every_guardian)


def feed_statuses(user, posts: Sequence[Post], places_by_post: dict[int, list[ChildPlace]]) -> dict[int, str]:
    """{post id: "signed" | "requested"} for the posts of a feed page asking for a signature.

    One query whatever the page holds: the reader's links to their children, each with the
    signatures given for the page's posts.
    """
    asking = [p for p in posts if p.requires_ack and places_by_post.get(p.id)]
    if not asking:
        return {}
    rows = db.session.execute(
        select(GuardianLink.child_id, GuardianLink.legal_authority, PostSignature.post_id, PostSignature.user_id)
        .outerjoin(PostSignature, (PostSignature.child_id == GuardianLink.child_id)
                   & PostSignature.post_id.in_(sorted(p.id for p in asking)))
        .where(GuardianLink.user_id == user.id)
    ).all()
    authority = {child_id: bool(a) for child_id, a, _, _ in rows}
    signers: dict[tuple[int, int], set[int]] = defaultdict(set)
    for child_id, _, post_id, signer in rows:
        if post_id is not None:
            signers[(post_id, child_id)].add(signer)
    statuses = {}
    for post in asking:
        def done(child_id: int) -> bool:
            given = signers[(post.id, child_id)]
            if post.ack_every_guardian and authority.get(child_id):
                return user.id in given
            return bool(given)

        children = [p.child_id for p in places_by_post[post.id] if p.child_id in authority]
        statuses[post.id] = "signed" if children and all(done(c) for c in children) else "requested"
    return statuses


def sign(user, post: Post, child_public_ids: Iterable[str], places: Sequence[ChildPlace], now: datetime) -> int:
    """Sign ``post`` for these children; returns how many signatures were written.

    ``places``: the reader's children the post concerns (``reach.children.children_for``).
    Every child must be one of them and the signer must have legal authority for it,
    otherwise ``LookupError`` and nothing is written (the view answers 404). Signing again,
    or for a child another guardian has already signed for (when one signature is enough),
    writes nothing.
    """
    wanted = set(child_public_ids)
    if not post.requires_ack or not wanted:
        raise LookupError("nothing to sign")
    concerned = {p.child_id for p in places}
    allowed = dict(db.session.execute(
        select(Child.public_id, Child.id)
        .join(GuardianLink, GuardianLink.child_id == Child.id)
        .where(GuardianLink.user_id == user.id, GuardianLink.legal_authority.is_(True),
               Child.public_id.in_(sorted(wanted)), Child.id.in_(sorted(concerned)))
    ).all())
    if set(allowed) != wanted:
        raise LookupError("not a child this user may sign for")
    child_ids = sorted(allowed.values())
    if not post.ack_every_guardian:
        already = set(db.session.scalars(
            select(PostSignature.child_id).where(PostSignature.post_id == post.id,
                                                 PostSignature.child_id.in_(child_ids))
        ))
        child_ids = [c for c in child_ids if c not in already]
    written = 0
    for child_id in child_ids:
        written += _insert_signature(post.id, child_id, user.id, now)
    return written


def _insert_signature(post_id: int, child_id: int, user_id: int, now: datetime) -> int:
    """One atomic INSERT ... ON CONFLICT DO NOTHING: a double submit stores one row."""
    statement = (
        upsert.insert(PostSignature).values(post_id=post_id, child_id=child_id, user_id=user_id, signed_dt=now)
        .on_conflict_do_nothing(index_elements=["post_id", "child_id", "user_id"])
        .returning(PostSignature.id)
    )
    return int(db.session.execute(statement).scalar() is not None)

"""What a guardian still has to do: sign a post, answer an authorisation or a poll.

One list feeds both the number next to "News" in the menu and the "To do" section on top of
the family home (``items``; ``counts.to_do`` counts it), so the two never disagree. An item
names the children it still waits for, the deadline, and the post where to act.

A signature is due while the post asks for one, has no passed due date and one of the
guardian's children it concerns (with their legal authority) is not signed for as the post
requires; an answer while the form is open and the child (or the family, for a per-family
poll) the guardian may answer for has no answer yet. Each item goes as soon as it is done.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import defer, selectinload

from ent_lite import rules
from ent_lite.accounts.models import Role
from ent_lite.audience.keys import ChildPlace
from ent_lite.extensions import db
from ent_lite.forms.models import AnsweredPer, FormKind, PostForm, Response, family_key, respondent_key
from ent_lite.posts.models import Post, PostSignature
from ent_lite.school.models import GuardianLink

# Signatures without a deadline are not counted after this: a parent coming back after
# months is not shown hundreds.
NEWS_WINDOW = timedelta(days=60)

SIGNATURE = "signature"


@dataclass(frozen=True)
class Item:
    """One thing to do: ``kind`` is "signature", "authorisation" or "poll"."""

    kind: str
    post_public_id: str
    title: str
    due_dt: datetime | None
    children: tuple[ChildPlace, ...]  # those it still waits for (all concerned, per-family poll)

    @property
    def anchor(self) -> str:
        """Where on the post page the guardian acts."""
        return "signature" if self.kind == SIGNATURE else "answers"

    def concerns(self, child_id: int) -> bool:
        return any(place.child_id == child_id for place in self.children)


def items(user, now: datetime, reach: rules.Reach | None = None, visible=None) -> list[Item]:
    """What the guardian still has to sign or answer, soonest deadline first ([] for staff):
    one query when nothing is due, four at most (the posts, their audiences, links and
    signatures, answers), whatever the number of posts or children. ``visible``:
    ``rules.visible_posts`` for this user, moment and reach, if built."""
    if user.role != Role.GUARDIAN:
        return []
    reach = reach or rules.reach_of(user)
    if visible is None:
        visible = rules.visible_posts(user, now, reach)
    open_form = and_(PostForm.id.is_not(None), PostForm.deadline_dt > now)
    signature_due = and_(Post.requires_ack, or_(Post.ack_due_dt.is_(None), Post.ack_due_dt > now))
    rows = db.session.execute(
        visible
        .outerjoin(PostForm, PostForm.post_id == Post.id)
        # A deadline still ahead keeps an item however old the post; the window only ends
        # signatures that have none.
        .where(or_(open_form, and_(Post.requires_ack, Post.ack_due_dt > now),
                   and_(signature_due, Post.published_dt >= now - NEWS_WINDOW)))
        .add_columns(signature_due, open_form, PostForm.id, PostForm.kind, PostForm.answered_per,
                     PostForm.deadline_dt)
        .options(selectinload(Post.audience), defer(Post.body_markdown), defer(Post.body_html))
    ).all()
    if not rows:
        return []
    places = {post.id: reach.children.children_for((a.kind, a.value) for a in post.audience) for post, *_ in rows}
    signing = [post for post, due, *_ in rows if due]
    # The guardian's links to their children, each with the signatures given for these posts.
    links = db.session.execute(
        select(GuardianLink.child_id, GuardianLink.legal_authority, PostSignature.post_id, PostSignature.user_id)
        .outerjoin(PostSignature, and_(PostSignature.child_id == GuardianLink.child_id,
                                       PostSignature.post_id.in_(sorted(p.id for p in signing))))
        .where(GuardianLink.user_id == user.id)
    ).all()
    authority = {child_id: bool(legal) for child_id, legal, _, _ in links}
    given: dict[tuple[int, int], set[int]] = defaultdict(set)
    for child_id, _, post_id, signer in links:
        if post_id is not None:
            given[(post_id, child_id)].add(signer)
    forms = [(post, form_id, kind, kind == FormKind.AUTHORISATION or per == AnsweredPer.CHILD, deadline)
             for post, _, is_open, form_id, kind, per, deadline in rows if is_open]
    found = _signatures_due(user, signing, places, authority, given) + _forms_to_answer(forms, places, authority)
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(found, key=lambda item: (item.due_dt or far, item.title, item.kind))


def _signatures_due(user, posts, places, authority, given) -> list[Item]:
    """The posts still waiting for this guardian's signature, each with the children concerned."""
    def waits(post, child_id) -> bool:
        if not authority.get(child_id):
            return False  # only a guardian with legal authority signs
        signers = given[(post.id, child_id)]
        return user.id not in signers if post.ack_every_guardian else not signers

    found = []
    for post in posts:
        waiting = tuple(p for p in places[post.id] if waits(post, p.child_id))
        if waiting:
            found.append(Item(SIGNATURE, post.public_id, post.title, post.ack_due_dt, waiting))
    return found


def _forms_to_answer(forms, places, authority) -> list[Item]:
    """The open forms still waiting for an answer this guardian may give (one query)."""
    if not forms:
        return []
    answered: dict[int, set[str]] = defaultdict(set)
    for form_id, key in db.session.execute(select(Response.form_id, Response.respondent_key)
                                           .where(Response.form_id.in_(sorted(f for _, f, *_ in forms)))):
        answered[form_id].add(key)
    found = []
    for post, form_id, kind, per_child, deadline in forms:
        concerned = [p for p in places[post.id] if p.child_id in authority]
        if per_child:
            waiting = tuple(p for p in concerned if rules.may_answer_for_child(kind, authority[p.child_id])
                            and respondent_key(p.child_id) not in answered[form_id])
        else:
            key = family_key(p.child_id for p in concerned)
            waiting = tuple(concerned) if concerned and key not in answered[form_id] else ()
        if waiting:
            found.append(Item(kind, post.public_id, post.title, deadline, waiting))
    return found

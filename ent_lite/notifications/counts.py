"""What waits for a person in the app: the numbers next to the navigation's sections.

- news: live posts a guardian may read and has not opened (posts of the last
  ``NEWS_WINDOW`` only, so the count is one bounded aggregate query);
- messages: conversations with messages the person has not seen (guardians and staff);
- forms to answer, signatures to give: for a guardian, on posts they may read whose
  deadline has not passed, for the children they may answer or sign for; together they
  make the "to do" count. Each clears as soon as the person reads, signs or answers.

Staff have no read receipts (PostRead records guardians' reads only), so their news count
is not shown; they see their messages. Every function is a plain function of the person and
``now``; ``NavCounts`` computes each number once per request, only when a page shows it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import defer, selectinload

from ent_lite.accounts.models import Role
from ent_lite.audience import rules
from ent_lite.conversations.services import unread_thread_count
from ent_lite.extensions import db
from ent_lite.forms.models import AnsweredPer, FormKind, PostForm, Response, family_key, respondent_key
from ent_lite.posts.models import Post, PostRead, PostSignature
from ent_lite.school.models import GuardianLink

# Older posts are not counted: a parent coming back after months is not shown hundreds.
NEWS_WINDOW = timedelta(days=60)


def unread_news_count(user, now: datetime, reach: rules.Reach | None = None) -> int:
    """Live posts of the last ``NEWS_WINDOW`` the guardian may read and has not opened (one query);
    0 for anyone else."""
    if user.role != Role.GUARDIAN:
        return 0
    reach = reach or rules.reach_of(user)
    opened = select(PostRead.id).where(PostRead.post_id == Post.id, PostRead.user_id == user.id).exists()
    query = (rules.visible_posts(user, now, reach)
             .where(Post.published_dt >= now - NEWS_WINDOW, ~opened))
    return db.session.scalar(query.with_only_columns(func.count(Post.id))) or 0


@dataclass(frozen=True)
class ToDo:
    """A guardian's posts still waiting for their signature, and forms waiting for an answer."""

    signatures: int = 0
    forms: int = 0

    @property
    def total(self) -> int:
        return self.signatures + self.forms


def to_do(user, now: datetime, reach: rules.Reach | None = None) -> ToDo:
    """What the guardian still has to sign or answer before its deadline: one query when
    nothing is due, four at most (the posts, their audiences, links and signatures, answers).

    A signature is due while the post asks for one, has no passed due date and one of the
    guardian's children it concerns (with their legal authority) is not signed for as the
    post requires; an answer while the form is open and the child (or the family, for a
    per-family poll) the guardian may answer for has no answer yet.
    """
    if user.role != Role.GUARDIAN:
        return ToDo()
    reach = reach or rules.reach_of(user)
    open_form = and_(PostForm.id.is_not(None), PostForm.deadline_dt > now)
    signature_due = and_(Post.requires_ack, or_(Post.ack_due_dt.is_(None), Post.ack_due_dt > now))
    rows = db.session.execute(
        rules.visible_posts(user, now, reach)
        .outerjoin(PostForm, PostForm.post_id == Post.id)
        .where(Post.published_dt >= now - NEWS_WINDOW, or_(signature_due, open_form))
        .add_columns(signature_due, open_form, PostForm.id, PostForm.kind, PostForm.answered_per)
        .options(selectinload(Post.audience), defer(Post.body_markdown), defer(Post.body_html))
    ).all()
    if not rows:
        return ToDo()
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
    forms = [(post, form_id, kind, kind == FormKind.AUTHORISATION or per == AnsweredPer.CHILD)
             for post, _, is_open, form_id, kind, per in rows if is_open]
    return ToDo(signatures=_signatures_due(user, signing, places, authority, given),
                forms=_forms_to_answer(forms, places, authority))


def _signatures_due(user, posts, places, authority, given) -> int:
    """How many of these posts still wait for this guardian's signature."""
    def waits(post, child_id) -> bool:
        if not authority.get(child_id):
            return False  # only a guardian with legal authority signs
        signers = given[(post.id, child_id)]
        return user.id not in signers if post.ack_every_guardian else not signers

    return sum(1 for post in posts if any(waits(post, p.child_id) for p in places[post.id]))


def _forms_to_answer(forms, places, authority) -> int:
    """How many of these open forms still wait for an answer this guardian may give (one query)."""
    if not forms:
        return 0
    answered: dict[int, set[str]] = defaultdict(set)
    for form_id, key in db.session.execute(select(Response.form_id, Response.respondent_key)
                                           .where(Response.form_id.in_(sorted(f for _, f, _, _ in forms)))):
        answered[form_id].add(key)
    waiting = 0
    for post, form_id, kind, per_child in forms:
        children = [p.child_id for p in places[post.id] if p.child_id in authority]
        if per_child:
            keys = [respondent_key(c) for c in children if rules.may_answer_for_child(kind, authority[c])]
        else:
            keys = [family_key(children)] if children else []
        if any(key not in answered[form_id] for key in keys):
            waiting += 1
    return waiting


class NavCounts:
    """The navigation's numbers for one request, each computed the first time a page asks."""

    def __init__(self, user, now: datetime):
        self.user, self.now = user, now

    @cached_property
    def reach(self) -> rules.Reach:
        return rules.reach_of(self.user)

    @cached_property
    def news(self) -> int:
        return unread_news_count(self.user, self.now, self.reach)

    @cached_property
    def messages(self) -> int:
        return unread_thread_count(self.user)

    @cached_property
    def to_do(self) -> ToDo:
        return to_do(self.user, self.now, self.reach)

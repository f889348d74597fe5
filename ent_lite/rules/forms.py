"""Forms: who answers a post's poll or authorisation, and who sees the results.

A post's poll or authorisation is answered by the guardians who may read the post, for
their children the post concerns: an authorisation needs legal authority over the child,
a poll any guardian of the child. The results are for those who see the read statistics.
"""
from __future__ import annotations

from datetime import datetime

from ent_lite.accounts.models import Role
from ent_lite.audience import keys as audience_keys
from ent_lite.forms.models import FormKind
from ent_lite.posts.models import Post
from ent_lite.rules.posts import can_read_post, can_see_read_stats
from ent_lite.rules.reach import Reach, reach_of


def concerned_children(user, post: Post, now: datetime | None = None,
                       reach: Reach | None = None) -> list[audience_keys.ChildPlace]:
    """A guardian's current children a post they may read is about; [] for anyone else."""
    reach = reach or reach_of(user)
    if reach.role != Role.GUARDIAN or not can_read_post(user, post, now, reach):
        return []
    return reach.children.children_for((a.kind, a.value) for a in post.audience)


def may_answer_for_child(form_kind: str, legal_authority: bool) -> bool:
    """For one of the guardian's concerned children (see concerned_children)."""
    return legal_authority or form_kind != FormKind.AUTHORISATION


def can_see_form_results(user, post: Post, reach: Reach | None = None) -> bool:
    """The post's author and the director of the school it was sent from."""
    return can_see_read_stats(user, post, reach)

"""Publishing a post and saving an edit, with what goes with them: photo tags, files, the poll
and the calendar event.

What stays true:
- once families have a post, its audience is fixed, and so is a post sent to criteria (its rule
  was written for it): ``edit_scope`` offers no audience then and ``save_edit`` changes none;
- a child tagged on a post's photos whom the editor no longer sees (moved to another class
  since) stays tagged: the editor cannot see the tag to untick it;
- "Remove" on a file removes only a file of this post, whatever id the form sends;
- the files a submit brings become the post's in the same transaction as the post.

Plain functions taking ``now``; they flush, the view commits.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ent_lite import rules
from ent_lite.agenda.events import EventDetails, sync_post_event
from ent_lite.audience import criteria_posting
from ent_lite.audience.keys import Key
from ent_lite.extensions import db
from ent_lite.files import drafts as file_drafts
from ent_lite.files.models import Attachment
from ent_lite.files.processing import Processed
from ent_lite.files.services import delete_attachment
from ent_lite.forms.services import attach_form
from ent_lite.posts import photo_tags, services
from ent_lite.posts.models import Post
from ent_lite.posts.services import PostOptions, Taggable
from ent_lite.rules import PostTarget
from ent_lite.school.models import Child


@dataclass(frozen=True)
class Files:
    """The files a submit brings: drafts kept from an earlier submit (``drafts``, minus
    ``removed_drafts``), this submit's uploads, and the post's own files ticked "Remove"."""

    drafts: Sequence[str] = ()
    removed_drafts: Sequence[str] = ()
    uploads: Sequence[Processed] = ()
    removed: Collection[str] = ()


@dataclass(frozen=True)
class Written:
    """What the author wrote: text, audience, options, tagged children, files, event date."""

    title: str
    body: str
    options: PostOptions
    targets: Sequence[PostTarget | Key] | None
    children: Sequence[Child] = ()
    files: Files = field(default_factory=Files)
    event: EventDetails | None = None


def publish(author, written: Written, now: datetime, *, poll: dict | None = None,
            submission_token: str | None = None) -> Post:
    """Write a new post with its tags, files, poll and event (``IntegrityError`` on flush when
    the same submission was published alongside: the caller rolls back)."""
    kept = _kept_drafts(author, written.files, now)
    post = services.create_post(author, written.title, written.body, written.targets, now,
                                written.options, submission_token=submission_token)
    photo_tags.set_tags(post, written.children)
    file_drafts.attach_drafts(kept, post_id=post.id)
    if poll is not None:
        attach_form(post, poll, now)
    sync_post_event(post, written.event, now)
    return post


@dataclass(frozen=True)
class EditScope:
    """What the editor may still change on a post, decided once for the page and the save."""

    editor: object
    published: bool
    audience_fixed: bool
    optional_info_open: bool
    targets: list[PostTarget]  # the audiences the editor may choose; empty while fixed
    taggable: list[Taggable]
    tagged: list[Child]

    @property
    def shown_tags(self) -> list[Child]:
        """The tagged children the editor sees, and so may untick."""
        offered = {t.child.id for t in self.taggable}
        return [c for c in self.tagged if c.id in offered]

    @property
    def kept_tags(self) -> list[Child]:
        """The tagged children the editor no longer sees: their tags stay."""
        offered = {t.child.id for t in self.taggable}
        return [c for c in self.tagged if c.id not in offered]


def edit_scope(post: Post, editor, now: datetime) -> EditScope:
    published = services.is_published(post, now)
    own_targets = rules.postable_targets(editor)
    audience_fixed = published or criteria_posting.sent_to_criteria(post)
    return EditScope(
        editor=editor, published=published, audience_fixed=audience_fixed,
        # Fixed once families have it, like the audience.
        optional_info_open=not published and rules.may_send_optional_info(editor),
        targets=[] if audience_fixed else own_targets,
        taggable=services.taggable_children(editor, own_targets),
        tagged=photo_tags.tagged_children([post.id]).get(post.id, []),
    )


def save_edit(post: Post, scope: EditScope, written: Written, now: datetime) -> None:
    """Save the editor's changes to the post, its tags, files and event."""
    remove_files(post, written.files.removed)
    services.update_post(post, written.title, written.body, written.options, now,
                         targets=None if scope.audience_fixed else written.targets)
    photo_tags.set_tags(post, [*written.children, *scope.kept_tags])
    file_drafts.attach_drafts(_kept_drafts(scope.editor, written.files, now), post_id=post.id)
    sync_post_event(post, written.event, now)


def remove_files(post: Post, public_ids: Collection[str]) -> int:
    """Delete the post's files named (another post's file is never touched); how many went."""
    if not public_ids:
        return 0
    files = db.session.scalars(select(Attachment).where(Attachment.post_id == post.id,
                                                        Attachment.public_id.in_(sorted(public_ids)))).all()
    for attachment in files:
        delete_attachment(attachment)
    return len(files)


def _kept_drafts(user, files: Files, now: datetime) -> list[Attachment]:
    return file_drafts.keep_drafts(user, files.drafts, files.removed_drafts, files.uploads, now)

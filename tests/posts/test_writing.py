"""Publishing and editing through ent_lite.posts.writing, as the compose and edit pages do:
what an editor may still change, tags of children they no longer see, files removed."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.files.services import prepare_uploads
from ent_lite.posts import photo_tags, writing
from ent_lite.posts.services import PostOptions
from ent_lite.rules import postable_targets
from tests.files.images import PDF


def uploads(*names: str):
    return prepare_uploads([FileStorage(io.BytesIO(PDF), name, content_type="application/pdf") for name in names])


def written(targets, title="Sortie au musée", **fields) -> writing.Written:
    return writing.Written(title, "Bonjour", fields.pop("options", PostOptions()), targets, **fields)


def file_names(post) -> list[str]:
    return list(db.session.scalars(select(Attachment.display_name).where(Attachment.post_id == post.id)))


def tags(post) -> list:
    return photo_tags.tagged_children([post.id]).get(post.id, [])


def stored(folder) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def test_publishing_writes_the_post_with_its_tags_and_files(world):
    class_a = [keys.group_key(world.class_a.id)]
    post = writing.publish(world.teacher_a, written(class_a, children=[world.child_a],
                                                    files=writing.Files(uploads=uploads("sortie.pdf"))), utcnow())
    db.session.commit()
    assert [(a.kind, a.value) for a in post.audience] == class_a
    assert tags(post) == [world.child_a]
    assert file_names(post) == ["sortie.pdf"]


def test_a_published_post_keeps_its_audience_whatever_the_edit_sends(world, class_post):
    now = utcnow()
    scope = writing.edit_scope(class_post, world.teacher_a, now)
    assert (scope.published, scope.audience_fixed, scope.targets, scope.optional_info_open) == (True, True, [], False)

    writing.save_edit(class_post, scope, written([keys.ALL_KEY], title="Sortie au musée (corrigé)"), now)
    db.session.commit()
    assert [(a.kind, a.value) for a in class_post.audience] == [keys.group_key(world.class_a.id)]
    assert class_post.title == "Sortie au musée (corrigé)" and class_post.edited_dt is not None


def test_a_scheduled_post_offers_the_editors_audiences_and_takes_the_new_one(world):
    now = utcnow()
    later = PostOptions(publish_at=now + timedelta(days=2))
    post = writing.publish(world.director, written([keys.group_key(world.class_a.id)], options=later), now)
    scope = writing.edit_scope(post, world.director, now)
    assert not scope.audience_fixed
    assert [t.key for t in scope.targets] == [t.key for t in postable_targets(world.director)]

    school = keys.establishment_key(world.school.id)
    writing.save_edit(post, scope, written([school], options=later), now)
    db.session.commit()
    assert [(a.kind, a.value) for a in post.audience] == [school] and post.edited_dt is None


def test_a_tag_of_a_child_the_editor_no_longer_sees_stays(world, class_post):
    # Léo was tagged, then moved to class B, which Claire does not teach.
    photo_tags.set_tags(class_post, [world.child_a, world.child_b])
    scope = writing.edit_scope(class_post, world.teacher_a, utcnow())
    assert (scope.shown_tags, scope.kept_tags) == ([world.child_a], [world.child_b])

    writing.save_edit(class_post, scope, written(None, children=[]), utcnow())
    db.session.commit()
    assert tags(class_post) == [world.child_b]


def test_removing_a_file_removes_only_this_posts_file(world, files_folder):
    now = utcnow()
    class_a = [keys.group_key(world.class_a.id)]
    first = writing.publish(world.teacher_a, written(class_a, files=writing.Files(uploads=uploads("a.pdf"))), now)
    second = writing.publish(world.teacher_a, written(class_a, files=writing.Files(uploads=uploads("b.pdf"))), now)
    db.session.commit()
    ids = set(db.session.scalars(select(Attachment.public_id)))
    assert stored(files_folder) == 2

    scope = writing.edit_scope(first, world.teacher_a, now)
    writing.save_edit(first, scope, written(None, files=writing.Files(removed=ids, uploads=uploads("c.pdf"))), now)
    db.session.commit()
    assert (file_names(first), file_names(second)) == (["c.pdf"], ["b.pdf"])
    assert stored(files_folder) == 2

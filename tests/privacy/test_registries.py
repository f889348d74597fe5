"""The privacy registries prove themselves: every feature's hooks are loaded with the app, every
personal-data table is deleted by some purge job, and each purge job, run on its own, deletes
seeded rows past their retention and keeps those within it.

A job registered in a module the app never imports, a new table without a job, or a job that
selects nothing would each fail here, whatever the names say.
"""
from __future__ import annotations

import io
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from ent_lite import hooks
from ent_lite.audience import keys
from ent_lite.audience.models import AudienceRule
from ent_lite.consents.services import set_consent
from ent_lite.core.db_types import new_public_id, utcnow
from ent_lite.dpo.models import RequestStatus, RightsRequest
from ent_lite.erasure.services import erase_guardian
from ent_lite.erasure.signals import DECLARED
from ent_lite.extensions import db
from ent_lite.files import services as files
from ent_lite.files.storage import new_key
from ent_lite.forms.models import AnsweredPer, FormKind, PostForm, Question, QuestionKind, respondent_key
from ent_lite.forms.services import AnswerTarget, save_answers
from ent_lite.notifications.models import Delivery, DeliveryStatus
from ent_lite.posts import services as posts
from ent_lite.posts.models import Post
from ent_lite.privacy import registry
from ent_lite.privacy.deletion import pk, table
from ent_lite.privacy.purge import run_job
from ent_lite.privacy.registry import CategoryResult
from ent_lite.privacy.retention import CATEGORIES, cutoff, effective_days
from ent_lite.rights.models import DataExport
from ent_lite.rights.registry import EXPORTERS
from tests.conversations.helpers import png_bytes
from tests.notifications.privacy_rows import told_of
from tests.rights.family_rows import family_rows

HOOK_NAMES = ("retention.py", "exporters.py", "erasure.py")
LATER = timedelta(days=3660)  # past every retention, school-year ones included

# Listed when collected, before any app exists: load them as the app does.
hooks.load()
JOBS = sorted(registry.PURGE_JOBS, key=lambda job: job.name)


def test_every_hook_module_of_the_tree_is_loaded_with_the_app(app):
    package = Path(hooks.__file__).parent
    on_disk = {f"ent_lite.{path.parent.name}.{path.stem}" for name in HOOK_NAMES for path in package.glob(f"*/{name}")}
    assert on_disk == set(hooks.HOOK_MODULES)
    assert all(name in sys.modules for name in on_disk)


def test_the_registries_are_filled_once_the_app_exists(app):
    assert {job.category for job in registry.PURGE_JOBS} == set(registry.PURGE_ORDER + registry.EXPIRING)
    assert set(registry.COLUMNS) == set(db.metadata.tables)
    assert EXPORTERS and DECLARED["user_account"] and DECLARED["child"]
    assert {"attachment", "activity"} <= set(registry.FILE_KEYS)
    assert {Post, PostForm, Question} <= set(registry.DELETION_DATES)


def _top_table(job) -> str:
    if job.sweeps:
        return job.sweeps
    (column,) = job.function(utcnow()).selected_columns
    return column.table.name


def _reached_from(names: set[str]) -> set[str]:
    """The tables whose rows a deletion of rows of ``names`` takes with it (every foreign key
    but SET NULL, as ent_lite.privacy.deletion follows them)."""
    reached, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        for other in db.metadata.sorted_tables:
            for fk in other.foreign_keys:
                if fk.column.table.name == name and (fk.ondelete or "").upper() != "SET NULL":
                    todo.append(other.name)
    return reached


def test_every_personal_table_is_deleted_by_some_purge_job(app):
    personal = {name for name, by_category in registry.COLUMNS.items()
                if any(key != registry.NOT_PERSONAL for key in by_category)}
    covered = _reached_from({_top_table(job) for job in registry.PURGE_JOBS})
    assert sorted(personal - covered) == []


# --- each job alone ---------------------------------------------------------------------------

def _seed(app, world, now):
    """family_rows, plus what makes every job's rows come due some day: children who left, a
    superseded consent, an erased guardian's tombstone, a closed request, a draft, a health
    answer, finished deliveries, an item of an event still fanning out, an audience rule, an
    export."""
    family_rows(app, world)
    set_consent(world.parent_a, "photo_publication", False, now, child=world.child_a, audience="class")
    set_consent(world.other_parent, "photo_publication", True, now, child=world.other_child, audience="class")
    erase_guardian(world.other_parent, now=now, actor=None)
    world.child_b.left_dt = world.other_child.left_dt = now
    db.session.add(RightsRequest(kind="other", city_id=world.city.id, requester_id=world.parent_a.id,
                                 message="Merci", received_dt=now, due_dt=now, status=RequestStatus.DONE,
                                 handled_dt=now))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        files.store_upload(FileStorage(io.BytesIO(png_bytes()), filename="draft.png"), world.parent_a, now)
    post = posts.create_post(world.teacher_a, "Piscine", "Bonjour.", [keys.group_key(world.class_a.id)], now)
    form = PostForm(post_id=post.id, kind=FormKind.POLL, answered_per=AnsweredPer.CHILD, deadline_dt=now)
    form.questions = [Question(position=1, kind=QuestionKind.TEXT, label="Allergies ?", is_health=True)]
    db.session.add(form)
    db.session.flush()
    save_answers(form, world.parent_a, AnswerTarget(key=respondent_key(world.child_a.id), can_answer=True,
                                                    child_id=world.child_a.id),
                 {form.questions[0].id: "arachides"}, now - timedelta(minutes=1))
    for delivery in db.session.scalars(select(Delivery)):
        delivery.status, delivery.done_dt = DeliveryStatus.SENT, now
    # An item whose event stays (still fanning out) goes on its own.
    told_of(world.parent_a, post, now, fanned_out=False)
    db.session.add(AudienceRule(city_id=world.city.id, post_id=post.id, created_dt=now))
    db.session.add(DataExport(public_id=new_public_id(), user_id=world.parent_a.id, created_dt=now,
                              export_day=now.date(), expires_dt=now + timedelta(days=2), storage_key=new_key("zip"),
                              size=1))
    db.session.commit()


def _ids(name: str) -> set[int]:
    return set(db.session.scalars(select(pk(table(name)))))


def _run(job, now) -> None:
    days = effective_days(job.category) if job.category in CATEGORIES else None
    run_job(job, CategoryResult(job.category), now, days=days)
    db.session.commit()


@pytest.mark.parametrize("job", JOBS, ids=[job.name.removeprefix("ent_lite.") for job in JOBS])
def test_each_purge_job_alone_deletes_what_is_due_and_keeps_the_rest(app, world, job):
    now = utcnow()
    _seed(app, world, now)
    top = _top_table(job)
    before = _ids(top)
    assert before, f"the seed has no {top} row for {job.name}"
    _run(job, now + timedelta(seconds=1))
    assert _ids(top) >= before, f"{job.name} deleted {top} rows still within their retention"

    later = now + LATER
    # The category's earlier jobs first, as the purge runs them (an activity before its campaign).
    for earlier in registry.jobs_for(job.category):
        if earlier is job:
            break
        _run(earlier, later)
    before = _ids(top)
    _run(job, later)
    assert before - _ids(top), f"{job.name} deleted no {top} row past its retention"
    if not job.sweeps:
        assert db.session.scalars(job.function(cutoff(job.category, later))).all() == []


"""PRIVACY.md C.12 and C.13: the export holds every row about the family and names no one else.

A personal-data table (any column the retention policy classifies as personal, or a table the
policy does not know yet) must have an exporter or an explicit exclusion with its reason, so a
new table cannot be forgotten; and ``family_rows`` must put a row in it.
"""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from ent_lite.audience import keys
from ent_lite.consents.services import set_consent
from ent_lite.conversations import services as conversations
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.forms.models import PostForm, respondent_key
from ent_lite.forms.services import AnswerTarget, save_answers
from ent_lite.posts import services as posts
from ent_lite.privacy import registry
from ent_lite.rights.registry import EXCLUDED, EXPORTERS
from tests.rights.family_rows import family_rows


def personal_tables() -> list[str]:
    found = []
    for table in db.metadata.sorted_tables:
        categories = registry.COLUMNS.get(table.name)
        if categories is None or any(key != registry.NOT_PERSONAL for key in categories):
            found.append(table.name)
    return sorted(found)


def test_every_personal_table_has_an_exporter_or_a_stated_reason():
    missing = [t for t in personal_tables() if t not in EXPORTERS and t not in EXCLUDED]
    assert not missing, (f"add an @exporter (in the feature's exporters.py) or an EXCLUDED reason "
                         f"in ent_lite/rights/registry.py for {missing}")
    assert not set(EXPORTERS) & set(EXCLUDED)
    assert all(reason.strip() for reason in EXCLUDED.values())
    # Every exclusion names a real table, so a renamed table is not silently skipped.
    assert set(EXCLUDED) <= set(db.metadata.tables)


def read_tables(archive) -> dict[str, list[dict]]:
    return {name[len("data/"):-len(".json")]: json.loads(archive.read(name))
            for name in archive.namelist() if name.startswith("data/") and name.endswith(".json")}


def test_the_export_holds_a_row_of_every_family_table(app, world, login_as, export_zip):
    made = family_rows(app, world)
    archive, _url = export_zip(login_as(world.parent_a))
    tables = read_tables(archive)
    # Every registered exporter is connected: its table's seeded rows are in the archive.
    for table in sorted(EXPORTERS):
        db_rows = db.session.scalar(select(func.count()).select_from(db.metadata.tables[table]))
        assert db_rows, f"family_rows must put a row in {table}"
        assert tables.get(table), f"{table}: no row in the export"
        if table in made:
            assert made[table] in {row.get("public_id") for row in tables[table]}, table
    # Files: what the guardian sent, and nothing else (the post's photos are the school's).
    (sent,) = tables["attachment"]
    assert sent["file"] in archive.namelist()
    assert archive.read(sent["file"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert [n for n in archive.namelist() if n.startswith("files/")] == [sent["file"]]
    # Every JSON table has its CSV twin.
    assert {n[:-5] for n in archive.namelist() if n.endswith(".json")} == \
        {n[:-4] for n in archive.namelist() if n.endswith(".csv")}


def test_the_export_names_no_other_person(app, world, login_as, export_zip):
    family_rows(app, world)
    now = utcnow() - timedelta(minutes=1)
    # The other parent of Awa signs, answers, consents and writes; the teacher answers.
    other, teacher = world.parent_a2, world.teacher_a
    thread, _m = conversations.start_child_thread(other, world.child_a, world.school.id, "Absence", "Awa sera absente.", now)
    set_consent(other, "photo_publication", True, now, child=world.child_a, audience="class")
    existing = db.session.scalar(select(PostForm))
    save_answers(existing, other, AnswerTarget(key=respondent_key(world.child_a.id), can_answer=True,
                                               child_id=world.child_a.id), {existing.questions[0].id: "no"}, now)
    conversations.add_message(thread, teacher, "Bien noté, merci.", now)
    conversations.close_thread(thread, teacher, now)
    # Another family's activity.
    other_post = posts.create_post(world.other_teacher, "Piscine", "Bonjour.", [keys.group_key(world.other_class.id)], now)
    posts.record_read(world.other_parent, other_post, now)
    conversations.start_child_thread(world.other_parent, world.other_child, world.other_school.id, "Gilet",
                                     "Inès a perdu son gilet.", now)
    db.session.commit()

    world.parent_a.locale = "en"
    db.session.commit()
    archive, _url = export_zip(login_as(world.parent_a))
    texts = {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
             if not name.startswith("files/")}
    forbidden = [other.first_name, other.email, teacher.first_name, teacher.last_name, teacher.email,
                 world.other_parent.first_name, world.other_parent.last_name, world.other_parent.email,
                 world.other_child.first_name, world.other_teacher.last_name, world.parent_b.email,
                 world.child_b.first_name, "Piscine", "Inès a perdu"]
    for name, text in texts.items():
        for value in forbidden:
            assert value not in text, f"{value!r} in {name}"
    signers = read_tables(archive)
    assert {r["given_by"] for r in signers["consent_record"]} == {"you", "another guardian"}
    assert {r["answered_by"] for r in signers["form_response"]} == {"another guardian"}  # the last to answer
    assert {r["author"] for r in signers["message"]} == {"you", "another guardian", "Teacher"}
    assert {r["closed_by"] for r in signers["thread"]} == {None, "Teacher"}
    assert {r["started_by"] for r in signers["thread"]} == {"you", "another guardian"}


def test_staff_appear_by_their_role_in_the_guardian_language(app, world, login_as, export_zip):
    family_rows(app, world)  # French: the account has no language set
    archive, _url = export_zip(login_as(world.parent_a))
    (post,) = read_tables(archive)["post"]
    assert post["author"] == "Équipe enseignante"

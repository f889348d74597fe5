"""Admin and director actions, and staff viewing a child's data, leave an audit entry with codes
and counts, never names."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from ent_lite.accounts.models import User
from ent_lite.audience import keys
from ent_lite.audit.models import AuditEntry
from ent_lite.audit.services import details_of, search, verify_chain
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests import factories
from ent_lite.forms import services as forms
from ent_lite.posts import services as posts

from tests.conversations.helpers import start_child
from tests.forms.conftest import builder_data
from tests.school.conftest import ROWS, csv_text

PERSONAL = ("Diallo", "Fatou", "Lefèvre", "Benali", "example.org", "Jeanne", "Barret")


def only(action: str) -> AuditEntry:
    (entry,) = search(action=action).entries
    return entry


def assert_no_personal_data(entry: AuditEntry) -> None:
    text = " ".join(str(v) for v in (entry.actor_ref, entry.target_ref, entry.details))
    for word in PERSONAL:
        assert word not in text


def upload(client, data: bytes, **fields):
    form = {"school_year": "2026-2027", "roster": (io.BytesIO(data), "roster.csv"), **fields}
    return client.post("/admin/roster", data=form, content_type="multipart/form-data")


def test_roster_upload_is_audited_with_counts(world, login_as):
    client = login_as(world.admin)
    assert upload(client, csv_text().encode()).status_code == 302
    entry = only("admin.roster_import")
    assert entry.actor_ref == f"user:{world.admin.public_id}" and entry.actor_role == "admin"
    assert entry.outcome == "success"
    details = details_of(entry)
    assert details["source"] == "upload" and details["school_year"] == "2026-2027"
    assert details["children_created"] == 3
    assert all(isinstance(v, int) for k, v in details.items() if k not in ("source", "school_year"))
    assert_no_personal_data(entry)
    assert verify_chain().ok


def test_roster_dry_run_and_refused_file_are_not_audited(world, login_as):
    client = login_as(world.admin)
    upload(client, csv_text().encode(), dry_run="y")
    upload(client, csv_text(rows=[ROWS[0].replace("CP A;CP", "CP A;CP9")]).encode())
    assert search(action="admin.roster_import").entries == []


def test_roster_cli_import_is_audited_without_actor(runner, tmp_text_file):
    path = tmp_text_file(csv_text())
    result = runner.invoke(args=["ent-lite", "import-roster", "--lang", "en", path,
                                 "--school-year", "2027-2028"])
    assert result.exit_code == 0, result.output
    entry = only("admin.roster_import")
    assert entry.actor_ref is None
    details = details_of(entry)
    assert details["source"] == "cli" and details["school_year"] == "2027-2028"
    assert details["children_created"] == 4 and details["schools_created"] == 2
    assert_no_personal_data(entry)


def test_staff_invitation_is_audited_with_the_new_account_as_target(world, login_as, mailbox):
    client = login_as(world.director)
    response = client.post("/staff/invite", data={
        "first_name": "Jeanne", "last_name": "Barret", "email": "jeanne.barret@example.org",
        "role": "teacher",
        "establishment": world.school.public_id, "groups": [world.class_a.public_id]})
    assert response.status_code == 302
    invited = db.session.scalar(select(User).where(User.email == "jeanne.barret@example.org"))
    entry = only("admin.invite")
    assert entry.actor_ref == f"user:{world.director.public_id}" and entry.actor_role == "director"
    assert entry.target_ref == f"user:{invited.public_id}"
    assert details_of(entry) == {"role": "teacher", "establishment": world.school.public_id,
                                 "groups": [world.class_a.public_id], "email_sent": True}
    assert_no_personal_data(entry)

    assert client.post(f"/staff/invite/{invited.public_id}/resend").status_code == 302
    resend = only("admin.invite_resend")
    assert resend.target_ref == f"user:{invited.public_id}" and details_of(resend) == {"email_sent": True}


def test_refused_invitation_is_not_audited(world, login_as):
    client = login_as(world.director)
    client.post("/staff/invite", data={"first_name": "J", "last_name": "B", "email": "j@example.org",
                                       "role": "teacher", "establishment": world.other_school.public_id})
    assert search(action="admin.invite").entries == []


def test_director_viewing_class_codes_is_audited_with_the_school_as_target(world, login_as):
    client = login_as(world.director)
    assert client.get(f"/school/classes/{world.class_a.public_id}/codes").status_code == 200
    entry = only("roster.codes_view")
    assert entry.actor_ref == f"user:{world.director.public_id}" and entry.actor_role == "director"
    assert entry.target_ref == f"establishment:{world.school.public_id}"
    assert details_of(entry) == {"group": world.class_a.public_id, "letters": 1}
    assert_no_personal_data(entry)


def test_refused_codes_page_is_not_audited(world, login_as):
    client = login_as(world.director)
    assert client.get(f"/school/classes/{world.other_class.public_id}/codes").status_code == 404
    assert search(action="roster.codes_view").entries == []


def test_printing_letters_is_audited(world, login_as):
    waiting = factories.make_user(world.city, "guardian", "Nina", "Sans", activated=False)
    factories.make_child(world.city, world.class_a, "Zoé", "Sans", guardians=(waiting,))
    db.session.commit()
    client = login_as(world.director)
    assert client.post(f"/school/classes/{world.class_a.public_id}/letters").status_code == 200
    entry = only("roster.codes_print")
    assert entry.target_ref == f"establishment:{world.school.public_id}"
    assert details_of(entry) == {"group": world.class_a.public_id, "letters": 1, "codes": 1, "one_family": False}
    assert_no_personal_data(entry)


# Staff viewing a child's data (PRIVACY.md 33) ----------------------------------------------------

def child_views() -> list[AuditEntry]:
    return search(action="child.view").entries


def class_a_post(world, requires_ack=False):
    now = utcnow()
    options = posts.PostOptions(requires_ack=True, ack_due_dt=now + timedelta(days=3)) if requires_ack else None
    post = posts.create_post(world.teacher_a, "Sortie", "Merci de signer.", [keys.group_key(world.class_a.id)],
                             now, *([options] if options else []))
    db.session.commit()
    return post


def class_a_form(world):
    post = class_a_post(world)
    form = forms.attach_form(post, builder_data("poll", [{"text": "Gâteau ?", "kind": "yes_no"}]), utcnow())
    db.session.commit()
    return form


def assert_one_child_view(user, target_ref: str, page: str) -> None:
    (entry,) = child_views()
    assert entry.actor_ref == f"user:{user.public_id}" and entry.actor_role == user.role
    assert entry.target_ref == target_ref and entry.outcome == "success"
    assert details_of(entry) == {"page": page}
    assert_no_personal_data(entry)


def test_the_tracking_page_is_audited_once_per_view(world, login_as):
    post = class_a_post(world, requires_ack=True)
    assert login_as(world.parent_a).get(f"/news/{post.public_id}/tracking").status_code == 404
    assert child_views() == []
    assert login_as(world.teacher_a).get(f"/news/{post.public_id}/tracking").status_code == 200
    assert_one_child_view(world.teacher_a, f"post:{post.public_id}", "tracking")


def test_form_results_are_audited_once_per_view(world, login_as):
    form = class_a_form(world)
    assert login_as(world.teacher_b).get(f"/forms/{form.public_id}/results").status_code == 404
    assert child_views() == []
    assert login_as(world.director).get(f"/forms/{form.public_id}/results").status_code == 200
    assert_one_child_view(world.director, f"post_form:{form.public_id}", "results")


def test_the_results_csv_is_audited_once_per_download(world, login_as):
    form = class_a_form(world)
    response = login_as(world.teacher_a).get(f"/forms/{form.public_id}/results.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert_one_child_view(world.teacher_a, f"post_form:{form.public_id}", "results_csv")


def test_staff_opening_a_thread_about_a_child_is_audited(world, login_as):
    thread, _ = start_child(world)
    assert login_as(world.teacher_a).get(f"/messages/{thread.public_id}").status_code == 200
    assert_one_child_view(world.teacher_a, f"thread:{thread.public_id}", "thread")


def test_a_guardian_opening_their_childs_thread_is_not_audited(world, login_as):
    thread, _ = start_child(world)
    for parent in (world.parent_a, world.parent_a2):
        assert login_as(parent).get(f"/messages/{thread.public_id}").status_code == 200
    assert child_views() == []

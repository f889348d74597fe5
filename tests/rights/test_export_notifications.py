"""The notifications in a guardian's export (PRIVACY.md C.12, C.13): what was sent to them and
how, their choices, their devices and a refused address; never a device's secrets, never
another person's notifications or name."""
from __future__ import annotations

from datetime import timedelta

from ent_lite.audience import keys
from ent_lite.conversations import services as conversations
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import services as posts
from tests.notifications.privacy_rows import AUTH, ENDPOINT, P256DH, add_notification_rows
from tests.rights.test_completeness import read_tables


def _notified_family(world):
    now = utcnow() - timedelta(minutes=5)
    post = posts.create_post(world.teacher_a, "Sortie au musée", "Bonjour.", [keys.group_key(world.class_a.id)], now)
    _thread, message = conversations.start_child_thread(world.parent_a, world.child_a, world.school.id, "Cantine",
                                                        "Awa a oublié son gilet.", now)
    rows = add_notification_rows(world.parent_a, post, message, now)
    # The other guardian of the same child was told too, and has a device and a refused address.
    _t, other_message = conversations.start_child_thread(world.parent_a2, world.child_a, world.school.id, "Absence",
                                                         "Awa sera absente.", now)
    other = add_notification_rows(world.parent_a2, post, other_message, now)
    other.device.device_label = "Safari on the other guardian's iPhone"
    world.parent_a.locale = "en"
    db.session.commit()
    return rows, other


def test_the_export_lists_what_was_sent_to_the_guardian_and_how(world, login_as, export_zip):
    rows, _other = _notified_family(world)
    archive, _url = export_zip(login_as(world.parent_a))
    tables = read_tables(archive)

    (item,) = tables["notification"]
    assert (item["category"], item["about"]) == ("news", "post")
    assert (item["email"], item["email_status"]) == (rows.email.public_id, "sent")
    assert (item["push"], item["push_status"]) == (rows.push.public_id, "pending")
    assert item["deletion_dt"]
    assert {d["public_id"]: (d["channel"], d["status"]) for d in tables["notification_delivery"]} == {
        rows.email.public_id: ("email", "sent"), rows.push.public_id: ("push", "pending")}
    (choices,) = tables["notification_preferences"]
    assert choices["news_email"] == "weekly" and choices["digest_time"] == "18:00"
    assert choices["quiet_start"] == "20:00" and choices["quiet_end"] == "07:00"
    (device,) = tables["push_subscription"]
    assert device["device"] == "Firefox on Android" and device["public_id"] == rows.device.public_id
    (problem,) = tables["email_problem"]
    assert problem["address"] == world.parent_a.email and problem["smtp_code"] == 550
    (own,) = tables["notification_event"]
    assert own["about"] == "message"
    assert "Notifications sent to you" in archive.read("index.html").decode("utf-8")


def test_the_export_keeps_device_secrets_and_other_people_out(world, login_as, export_zip):
    _rows, other = _notified_family(world)
    archive, _url = export_zip(login_as(world.parent_a))
    texts = {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
             if not name.startswith("files/")}
    forbidden = [ENDPOINT, P256DH, AUTH, other.email.public_id, other.push.public_id, other.device.public_id,
                 "Safari on the other guardian's iPhone", world.parent_a2.email, world.teacher_a.last_name]
    for name, text in texts.items():
        for value in forbidden:
            assert value not in text, f"{value!r} in {name}"


def test_the_my_data_page_counts_the_notifications_and_devices_and_says_how_long(world, login_as, english):
    _notified_family(world)
    page = login_as(world.parent_a, target=english).get("/privacy/my-data").get_data(as_text=True)
    assert "Notifications sent to you: 1" in page
    assert "Devices where you turned notifications on: 1" in page
    assert "Deleted 30 days after being sent; never before they have gone" in page

"""Telling families that something waits is a processing of its own (GDPR articles 13 and 30):
the notice, the register of processing and the retention page say what it uses, who receives
it, and how long its record is kept, in French and English."""
from __future__ import annotations

import html as html_lib
import json

from ent_lite.privacy import register, retention
from ent_lite.privacy import services as privacy_services


def _page(client, lang: str, path: str = "/privacy") -> str:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    return html_lib.unescape(client.get(path).get_data(as_text=True))


def test_the_notice_tells_families_what_notifying_them_uses_and_who_receives_it(client, db):
    english = _page(client, "en")
    assert "Telling families and staff that something is waiting for them" in english
    assert "the devices where you turned notifications on" in english
    assert "neither receives the text of a message, a child's name or an image" in english
    assert "The city's mail server, which receives only the address and a mail without content" in english
    assert "The push service of the device's browser" in english
    assert ("Notifications sent: what kind, when, by email or to which device, and with what result "
            "(never their content): Deleted 30 days after being sent") in english
    assert "The record of notifications sent is deleted 30 days after sending" in english

    french = _page(client, "fr")
    assert "Prévenir les familles et les personnels qu’un élément les attend" in french \
        or "Prévenir les familles et les personnels qu'un élément les attend" in french
    assert "les appareils où vous avez activé les notifications" in french
    assert "Serveur de messagerie de la ville" in french
    assert "La trace des notifications envoyées est supprimée 30\u00a0jours après l’envoi" in french


def test_the_notice_follows_the_duration_the_administrator_chose(world, client, db):
    privacy_services.save_periods({"notifications": 14}, world.admin, world.admin.created_dt)
    db.session.commit()
    page = _page(client, "en")
    assert "The record of notifications sent is deleted 14 days after sending" in page
    assert "Deleted 14 days after being sent" in page


def test_the_register_of_processing_lists_the_notification_processing(world, login_as, english):
    login_as(world.dpo, target=english)
    rows = json.loads(english.get("/privacy/register.json").data)
    mine = [r for r in rows if r["Purpose"] == "Telling families and staff that something is waiting for them"]
    assert sorted(r["Data category"] for r in mine) == [
        "Accounts, contact details and roles of families and staff, and their notification settings "
        "(choices, devices, a refused address)",
        "Notifications sent: what kind, when, by email or to which device, and with what result "
        "(never their content)"]
    for row in mine:
        assert "The city's mail server" in row["Recipients"] and "push service" in row["Recipients"]
        assert "Public-interest task" in row["Legal basis"]
    purpose = register.purpose("notifications")
    assert set(purpose.data_categories) == {"accounts", "notifications"}


def test_the_administrator_sets_the_notifications_period_within_its_bounds(world, login_as, english):
    login_as(world.admin, target=english)
    page = _page(english, "en", "/privacy/retention")
    assert "Notifications sent: what kind, when" in page and "between 7 and 90 days" in page
    assert "Notifications envoyées" in _page(english, "fr", "/privacy/retention")
    english.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    data = {key: str(days) for key, days in retention.all_days().items()}
    refused = english.post("/privacy/retention", data={**data, "notifications": "365"})
    assert refused.status_code == 200 and "Choose between 7 and 90 days." in refused.get_data(as_text=True)
    assert retention.effective_days("notifications") == 30
    english.post("/privacy/retention", data={**data, "notifications": "60"})
    assert retention.effective_days("notifications") == 60

"""PRIVACY.md 1: the notice's version is the hash of the text the person read, in their language,
and follows every change of that text (an administrator's retention period included)."""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from ent_lite.consents.models import ConsentRecord
from ent_lite.consents.services import PHOTO_PUBLICATION
from ent_lite.extensions import db
from ent_lite.privacy import notice, retention
from ent_lite.privacy import services as privacy_services
from tests.privacy.test_pages import _form


def _read_notice(client) -> tuple[str, str]:
    """The notice's words on the welcome page, and the version the page's form carries."""
    page = client.get("/welcome/privacy").get_data(as_text=True)
    section = re.search(r'<section class="notice">.*?</section>', page, re.S).group(0)
    version = re.search(r'name="notice_version" value="([0-9a-f]+)"', page).group(1)
    return notice.visible_text(section), version


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def test_the_version_a_guardian_accepts_is_the_hash_of_the_words_they_read(world, login_as, english, db):
    world.parent_a.privacy_notice_version = None  # a guardian who has not read it yet
    db.session.commit()
    client = login_as(world.parent_a)
    text, version = _read_notice(client)
    assert "Who is responsible" in text and version == _digest(text)
    assert client.post("/welcome/privacy", data={"notice_version": version}).status_code == 302
    db.session.expire_all()
    assert world.parent_a.privacy_notice_version == version == notice.current_notice_version("en")
    # The French text is another text, with its own version.
    assert notice.current_notice_version("fr") != version


def test_a_retention_change_gives_the_notice_a_new_version_and_the_guardian_reads_it(world, login_as, client):
    guardian = login_as(world.parent_a, target=client)
    guardian.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    before = {lang: notice.current_notice_version(lang) for lang in ("fr", "en")}
    admin = login_as(world.admin, target=client.application.test_client())
    admin.post("/privacy/retention", data=_form(conversations=60))
    assert retention.effective_days("conversations") == 60

    after = {lang: notice.current_notice_version(lang) for lang in ("fr", "en")}
    assert after["fr"] != before["fr"] and after["en"] != before["en"]
    assert guardian.get("/news").headers["Location"] == "/welcome/privacy"
    text, version = _read_notice(guardian)
    assert "Deleted 60 days after the end of the school year of their last message" in text
    assert version == after["en"] == _digest(text)
    guardian.post("/welcome/privacy", data={"notice_version": version})
    db.session.expire_all()
    assert world.parent_a.privacy_notice_version == after["en"]
    assert guardian.get("/news").status_code == 200
    # The public page names the same version as what it shows.
    assert f"Version {after['en']}" in guardian.get("/privacy").get_data(as_text=True)


def test_a_consent_records_the_version_of_the_notice_in_force_in_the_readers_language(world, login_as, english):
    client = login_as(world.parent_a)

    def grant(audience: str) -> ConsentRecord:
        client.post("/consents", data={"purpose": PHOTO_PUBLICATION, "decision": "grant",
                                       "child": world.child_a.public_id, "audience": audience})
        return db.session.scalars(select(ConsentRecord).where(ConsentRecord.audience == audience)).one()

    first = grant("class")
    assert first.notice_hash == notice.current_notice_version("en")
    privacy_services.save_periods({"class_content": 30}, world.admin, first.created_dt)
    db.session.commit()
    # No consent is given on a notice that is no longer the one in force: it is read first.
    assert client.post("/consents", data={"purpose": PHOTO_PUBLICATION, "decision": "grant",
                                          "child": world.child_a.public_id, "audience": "school"}
                       ).headers["Location"] == "/welcome/privacy"
    _, version = _read_notice(client)
    client.post("/welcome/privacy", data={"notice_version": version})
    second = grant("school")
    assert second.notice_hash == notice.current_notice_version("en") != first.notice_hash


def test_switching_language_does_not_ask_again(world, login_as, client):
    client = login_as(world.parent_a)  # accepted the French text (tests.factories)
    for lang in ("en", "fr"):
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
        assert client.get("/news").status_code == 200


def test_a_text_changed_while_reading_is_not_accepted(world, login_as, english, db):
    world.parent_a.privacy_notice_version = None
    db.session.commit()
    client = login_as(world.parent_a)
    _, version = _read_notice(client)
    privacy_services.save_periods({"accounts": 60}, world.admin, world.parent_a.created_dt)
    db.session.commit()

    page = client.post("/welcome/privacy", data={"notice_version": version}).get_data(as_text=True)
    assert "The privacy notice changed while you were reading it. Please read it again." in page
    assert "Deleted 60 days after" in page or "deleted 60 days later" in page
    db.session.expire_all()
    assert world.parent_a.privacy_notice_version is None

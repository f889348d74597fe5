"""Issue 10: the notice at activation is a one-screen summary in plain words, the full notice one
tap away on the same page, and the version a guardian accepts covers both texts as shown."""
from __future__ import annotations

import re

import pytest
from jinja2 import ChoiceLoader, DictLoader

from ent_lite.extensions import db
from ent_lite.privacy import notice

SUMMARY = "privacy/_notice_summary.html"


def _unread(world):
    world.parent_a.privacy_notice_version = None
    db.session.commit()


def _version_on(page: str) -> str:
    return re.search(r'name="notice_version" value="([0-9a-f]+)"', page).group(1)


@pytest.fixture
def summary_reworded(app):
    """The summary template with one sentence reworded, as a later edit of the code would do."""
    source = app.jinja_env.loader.get_source(app.jinja_env, SUMMARY)[0]
    reworded = source.replace("Nothing is sold.", "Nothing is ever sold.")
    assert reworded != source
    original = app.jinja_env.loader

    def apply():
        app.jinja_env.loader = ChoiceLoader([DictLoader({SUMMARY: reworded}), original])
        app.jinja_env.cache.clear()
        notice.clear_cache()

    yield apply
    app.jinja_env.loader = original
    app.jinja_env.cache.clear()
    notice.clear_cache()


def test_the_summary_comes_first_in_plain_words_and_the_full_notice_opens_in_place(world, login_as, english):
    _unread(world)
    page = login_as(world.parent_a).get("/welcome/privacy").get_data(as_text=True)
    summary = page.index('class="notice-summary"')
    details = page.index('<details id="full-notice">')  # closed: one tap opens it, on this page
    button = page.index("I have read the privacy notice")
    assert summary < details < button
    words = notice.visible_text(page[summary:details])
    for said in ("What is kept:", "Who sees it:", "Never other parents.", "For how long:",
                 "news and photos, 90 days after the school year",
                 "Your rights:", "Whom to ask:", "the city's data protection officer (DPO)"):
        assert said in words, said
    # The full text is inside the details, not on another page that would leave the activation.
    assert page.index("Who is responsible") > details


def test_the_french_summary_says_parent_and_dpd(world, login_as, client):
    _unread(world)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    page = login_as(world.parent_a).get("/welcome/privacy").get_data(as_text=True)
    words = notice.visible_text(page)
    assert "délégué à la protection des données (DPD)" in words
    assert "Ce qui est gardé\u00a0:" in page and "Jamais les autres parents." in words
    assert "(DPO)" not in words


def test_the_version_covers_the_summary_and_the_full_text(app, english, db):
    html = notice.notice_html("en")
    text = notice.visible_text(html)
    assert "What is kept:" in text and "Each use of your data" in text  # the summary and the full notice
    assert notice.current_notice_version("en") == notice.hashlib.sha256(text.encode()).hexdigest()[:16]


def test_rewording_the_summary_gives_a_new_version_the_guardian_accepts(world, login_as, english, summary_reworded):
    client = login_as(world.parent_a)  # accepted the French text of the current notice
    before = {lang: notice.current_notice_version(lang) for lang in ("fr", "en")}
    full_before = notice.visible_text(notice.notice_html("en")).split("Read the full notice")[1]

    summary_reworded()
    after = {lang: notice.current_notice_version(lang) for lang in ("fr", "en")}
    assert after["en"] != before["en"]
    # Only the summary changed: the full text shown is the same, yet the version is new.
    assert notice.visible_text(notice.notice_html("en")).split("Read the full notice")[1] == full_before
    assert client.get("/news").headers["Location"] == "/welcome/privacy"
    page = client.get("/welcome/privacy").get_data(as_text=True)
    assert "Nothing is ever sold." in page and _version_on(page) == after["en"]
    assert client.post("/welcome/privacy", data={"notice_version": _version_on(page)}).status_code == 302
    db.session.expire_all()
    assert world.parent_a.privacy_notice_version == after["en"]
    assert client.get("/news").status_code == 200


def test_a_summary_reworded_while_reading_is_not_accepted(world, login_as, english, summary_reworded):
    _unread(world)
    client = login_as(world.parent_a)
    read = _version_on(client.get("/welcome/privacy").get_data(as_text=True))
    summary_reworded()
    page = client.post("/welcome/privacy", data={"notice_version": read}).get_data(as_text=True)
    assert "The privacy notice changed while you were reading it." in page
    db.session.expire_all()
    assert world.parent_a.privacy_notice_version is None


def test_the_public_notice_also_opens_on_its_summary(client, english):
    """Read from the footer on a phone: the summary fits a screen, the full text is one tap away."""
    html = client.get("/privacy").get_data(as_text=True)
    assert '<details id="full-notice">' in html
    assert html.index("</summary>") > html.index('class="notice"')

"""The four paths whose taps issue 10 measures, each run as a person on a phone would walk it.

1. ``activate``: from the activation letter to the first page of the app;
2. ``sign``: from the first page, sign a post's signature request for all one's children;
3. ``authorise``: from the first page, answer an authorisation for all the children it concerns;
4. ``publish``: from the first page, publish a post with a photo (a teacher, a director).

Each flow takes the case it runs for (a family of 1, 2 or 3 children; an author), builds its
data through the services, walks the path through ``Taps`` (tests/browser/taps.py: what counts
as a tap is said there), checks in the database that the path did what it should, and returns
the ``Taps``. Pages are read in English; targets are found by role and visible label, so the
markup may change around them. A path starts once the person is on the page named above
(typing the address of the activation page, logging in, are not counted).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from PIL import Image
from sqlalchemy import func, select

from ent_lite.accounts.activation import format_code, issue_activation_code
from ent_lite.accounts.models import Role, User
from ent_lite.consents.services import set_consent
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.forms.models import Response
from ent_lite.forms.services import attach_form
from ent_lite.posts.models import Post, PostPhotoChild, PostSignature
from ent_lite.posts.services import PostOptions, create_post
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.taps import Taps

FAMILIES = {"1 child": 1, "2 children": 2, "3 children": 3}
AUTHORS = ("teacher", "teacher tagging a child", "director")
CHILDREN = ("Jules", "Lina", "Adam")
SURNAME = "Koné"
PASSWORD = "Tartines du mercredi matin"
TO_SIGN = "Sortie au musée : à signer"
TO_AUTHORISE = "Sortie à la ferme : autorisation"
LUNCH = "Will your child bring a packed lunch?"
NEW_POST = "Nos plantations"
# Where the flows meet the pages: what to adjust when the pages change.
SIGN_BUTTON = re.compile(r"^Sign for ")
SEND_BUTTON = re.compile(r"^Send")
WHOLE_SCHOOL = re.compile(r"Whole school")
WRITE_LINK = re.compile(r"^Write\b")


def in_english(page) -> None:
    """Switch the anonymous page to English (not counted: the path's taps are the same in
    either language; logged-in people already have English as their setting)."""
    if page.locator("html").get_attribute("lang") != "en":
        with page.expect_navigation():
            page.locator("button[name=lang][value=en]").click()


@dataclass
class Family:
    guardian: User
    children: list


def make_family(world, size: int, activated: bool = True) -> Family:
    """A parent or guardian of ``size`` children, each in another class of the same school, so
    that one post of the school concerns them all."""
    third = factories.make_class(world.school, "CM1 C", "CM1")
    classes = (world.class_a, world.class_b, third)
    guardian = factories.make_user(world.city, Role.GUARDIAN, "Mariam", SURNAME, activated=activated)
    guardian.locale = "en"
    children = [factories.make_child(world.city, classes[n], CHILDREN[n], SURNAME, guardians=(guardian,))
                for n in range(size)]
    # Other news around the one that asks something, as on any school day.
    now = utcnow()
    for n in range(3):
        create_post(world.teacher_a, f"Cahier du jour n°{n + 1}", "Lecture : page 12.",
                    [("group", str(world.class_a.id))], now - timedelta(hours=n + 1))
    db.session.commit()
    return Family(guardian, children)


def _school_post(world, title: str, options: PostOptions | None = None) -> Post:
    post = create_post(world.director, title, "Départ à 9 h devant l’école.",
                       [("establishment", str(world.school.id))], utcnow() - timedelta(minutes=30), options)
    db.session.flush()
    return post


def _count(statement) -> int:
    db.session.expire_all()
    return db.session.scalar(statement)


def _first_visible(locator):
    return next((candidate for candidate in locator.all() if candidate.is_visible()), None)


# --- 1. activate --------------------------------------------------------------------------


def activate(page, world, size: int) -> Taps:
    family = make_family(world, size, activated=False)
    code = issue_activation_code(family.guardian, utcnow(), valid_days=60)
    db.session.commit()
    page.goto("/activate")
    in_english(page)
    taps = Taps(page)
    taps.fill(page.locator("input[name=code]"), format_code(code.code), "activation code")
    taps.tap(_submit(page), navigates=True)
    taps.fill(page.locator("input[name=last_name]"), SURNAME.lower(), "last name")
    taps.tap(_submit(page), navigates=True)
    taps.fill(page.locator("input[name=email]"), "mariam@example.org", "email")
    taps.fill(page.locator("input[name=password]"), PASSWORD, "password")
    taps.fill(page.locator("input[name=confirm]"), PASSWORD, "password again")
    taps.tap(_submit(page), navigates=True)
    # The privacy step: its last button takes the person in.
    assert urlsplit(page.url).path.startswith("/welcome"), page.url
    taps.tap(_submit(page), navigates=True)
    assert not urlsplit(page.url).path.startswith(("/activate", "/welcome")), page.url
    assert _count(select(User.password_hash).where(User.id == family.guardian.id)) is not None
    return taps


def _submit(page):
    return page.locator("main form button[type=submit]").last


# --- 2. sign for all children --------------------------------------------------------------


def sign(page, world, size: int) -> Taps:
    family = make_family(world, size)
    post = _school_post(world, TO_SIGN, PostOptions(requires_ack=True, ack_due_dt=utcnow() + timedelta(days=5)))
    db.session.commit()
    log_in(page, family.guardian)
    taps = Taps(page)
    if _sign_for_all(page, family) is None:
        taps.tap(page.get_by_role("link", name=TO_SIGN), navigates=True)
    taps.tap(_sign_for_all(page, family), navigates=True)
    assert _count(select(func.count()).select_from(PostSignature).where(PostSignature.post_id == post.id)) == size
    return taps


def _sign_for_all(page, family: Family):
    """The visible "Sign for …" button naming every child, if the page shows one."""
    for button in page.get_by_role("button", name=SIGN_BUTTON).all():
        if button.is_visible() and all(child.first_name in button.inner_text() for child in family.children):
            return button
    return None


# --- 3. answer an authorisation for all children ---------------------------------------------


def authorise(page, world, size: int) -> Taps:
    family = make_family(world, size)
    post = _school_post(world, TO_AUTHORISE)
    deadline = (utcnow() + timedelta(days=4)).date()
    form = attach_form(post, {"kind": "authorisation", "deadline_date": deadline,
                              "questions": [{"text": LUNCH, "kind": "yes_no", "choices": ""}]}, utcnow())
    db.session.commit()
    log_in(page, family.guardian)
    taps = Taps(page)
    if _first_visible(page.get_by_role("button", name=SEND_BUTTON)) is None:
        taps.tap(page.get_by_role("link", name=TO_AUTHORISE), navigates=True)
    sent_per_child = False
    for child in family.children:
        scope = child_answer_scope(page, child.first_name)
        consent = scope.get_by_role("group", name=re.compile("I authorise")).get_by_role("radio", name="Yes")
        taps.choose(consent, f"Yes for {child.first_name}")
        lunch = scope.get_by_role("group", name=LUNCH).get_by_role("radio", name="No")
        taps.choose(lunch, f"No lunch for {child.first_name}")
        own_button = _first_visible(scope.get_by_role("button", name=SEND_BUTTON))
        if own_button is not None:
            sent_per_child = True
            taps.tap(own_button, navigates=True)
    if not sent_per_child:
        taps.tap(page.get_by_role("button", name=SEND_BUTTON), navigates=True)
    assert _count(select(func.count()).select_from(Response).where(Response.form_id == form.id)) == size
    return taps


def child_answer_scope(page, first_name: str):
    """The part of the page where one child's answers are given: a group (fieldset) named
    after the child, or else the card whose heading names them (one form per child)."""
    name = re.compile(rf"\b{first_name}\b")
    by_group = page.get_by_role("group", name=name)
    if _first_visible(by_group) is not None:
        return _first_visible(by_group)
    return page.locator(".card").filter(has=page.get_by_role("heading", name=name)).last


# --- 4. publish a post with a photo --------------------------------------------------------


def publish(page, world, author: str, photo_path) -> Taps:
    _photo(photo_path)
    tagged = None
    if author == "director":
        writer, audience = world.director, WHOLE_SCHOOL
    else:
        writer, audience = world.teacher_a, re.compile(re.escape(world.class_a.name))
    if author == "teacher tagging a child":
        parent = factories.make_user(world.city, Role.GUARDIAN, "Mariam", SURNAME)
        tagged = factories.make_child(world.city, world.class_a, "Jules", SURNAME, guardians=(parent,))
        set_consent(parent, "photo_publication", True, utcnow(), child=tagged, audience="class")
    writer.locale = "en"
    db.session.commit()
    log_in(page, writer)
    taps = Taps(page)
    taps.tap(page.get_by_role("link", name=WRITE_LINK), navigates=True)
    taps.fill(page.get_by_label("Title", exact=True), NEW_POST, "title")
    taps.fill(page.get_by_label("Message", exact=True), "Les tomates ont poussé : venez voir !", "message")
    taps.choose(page.get_by_label(audience), "audience")
    taps.pick_file(page.locator("input[type=file]"), photo_path)
    if tagged is not None:
        taps.choose(page.get_by_label(re.compile(rf"{tagged.first_name} {SURNAME}")), "child in the photo")
    taps.tap(page.get_by_role("button", name="Publish", exact=True), navigates=True)
    post_id = _count(select(Post.id).where(Post.title == NEW_POST))
    assert post_id is not None, page.locator("main").inner_text()
    assert _count(select(func.count()).select_from(Attachment).where(Attachment.post_id == post_id)) == 1
    if tagged is not None:
        assert _count(select(PostPhotoChild.child_id).where(PostPhotoChild.post_id == post_id)) == tagged.id
    return taps


def _photo(path) -> None:
    image = Image.new("RGB", (640, 480), (90, 160, 70))
    image.save(path, "JPEG", quality=85)

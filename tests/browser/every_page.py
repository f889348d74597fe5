"""Every page of ent_lite, as every role, on a 360×740 phone: what the every-page test checks
and what bench/page_lengths.py prints.

The list of pages is ``app.url_map`` itself (its GET rules), so a new page is visited the day it
is added: its URL parameters come from ``seed`` (a missing one fails loudly), or it goes in
``EXCLUDED`` with the reason it is not an HTML page. Pages reached only in the middle of a
journey (activation steps, the second factor, the first-login privacy notice) are walked to as
a person would. Each role uses one browser context and logs in once.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp
from flask import url_for
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import HTTPException

from ent_lite.accounts import two_factor
from ent_lite.accounts.activation import issue_activation_code
from ent_lite.accounts.models import Role
from ent_lite.accounts.tokens import issue_token
from ent_lite.audience import keys
from ent_lite.conversations import services as conversations
from ent_lite.core.db_types import utcnow
from ent_lite.dpo.services import create_request
from ent_lite.extensions import db
from ent_lite.files import services as files
from ent_lite.files.storage import get_storage, new_key
from ent_lite.forms import services as forms
from ent_lite.notifications import unsubscribe
from ent_lite.posts import services as posts
from ent_lite.rights.models import DataExport
from ent_lite.school.models import RosterReview
from tests import factories
from tests.browser.conftest import PHONE
from tests.browser.every_page_activities import EXCLUDED as ACTIVITY_FILES, seed_activities
from tests.browser.every_page_city_life import EXCLUDED as CALENDAR_FILES, seed_city_life
from tests.browser.phone_layout import layout_problems, screens
from tests.forms.conftest import builder_data

ROLES = ("anonymous", "guardian", "teacher", "director", "animator", "city_agent", "admin", "dpo")

# GET endpoints that are not HTML pages a person reads, and why; everything else is visited.
EXCLUDED = {
    "static": "CSS, JavaScript and icons: files, not pages",
    "core.home": "only redirects to each role's first page (news, DPO workspace...), visited itself",
    "core.health": "a JSON answer for the monitoring, not a page",
    "files.download": "an attachment (PDF or image) the browser downloads or shows as is",
    "files.thumbnail": "a JPEG thumbnail",
    "forms.results_csv": "a CSV download of a form's answers",
    "notifications.manifest": "the installable app's manifest (JSON)",
    "notifications.service_worker": "the push service worker (JavaScript)",
    "privacy.processing_register_csv": "the processing register as CSV",
    "privacy.processing_register_json": "the processing register as JSON",
    "rights.download_export": "the zip of a person's data",
    **ACTIVITY_FILES,
    **CALENDAR_FILES,
}

# Text that spills out of its target (a menu label over its neighbour) or off the left edge:
# the box-based checks of phone_layout do not see it. (Wholly off screen is hidden on purpose:
# the skip link; so is what a closed <details> holds.)
SPILLS = """() => [...document.querySelectorAll('a[href], button, summary, label, h1, h2, p, td, th')]
  .filter(el => getComputedStyle(el).display !== 'inline' && el.checkVisibility() && el.innerText.trim()
                && el.getBoundingClientRect().width > 1)  // not visually hidden (stacked tables' heads)
  .filter(el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible'
                || el.getBoundingClientRect().left < -1 && el.getBoundingClientRect().right > 0)
  .map(el => `<${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}> "${el.innerText.trim().replace(/\\s+/g, ' ').slice(0, 40)}"`)"""

# Opens every <details> (parents before children, as they come in the document), as taps would.
OPEN_DETAILS = """() => { for (const d of document.querySelectorAll('details:not([open])')) {
  const s = d.querySelector(':scope > summary'); if (s) s.click(); else d.open = true; } }"""


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (20, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Seeded:
    """The URL arguments of each endpoint that has some, and the people of the journeys."""

    args: dict[str, dict[str, str]]
    activation_code: str = ""
    newcomer: object = None  # a guardian who has not yet read the privacy notice
    dpo_recovery_codes: list[str] = field(default_factory=list)


def seed(app, world) -> Seeded:
    """One of everything a page shows, made through the services, committed."""
    now = utcnow() - timedelta(hours=2)
    teacher, guardian, child = world.teacher_a, world.parent_a, world.child_a
    class_a = [keys.group_key(world.class_a.id)]

    post = posts.create_post(teacher, "Sortie au musée d’Orsay", "Bonjour,\n\nNous irons au musée "
                             "jeudi. Merci de signer l’autorisation avant mardi.", class_a, now)
    form = forms.attach_form(post, builder_data("authorisation"), now)
    poll_post = posts.create_post(teacher, "Réunion de rentrée", "Quelle date vous convient ?", class_a, now)
    forms.attach_form(poll_post, builder_data("poll", [{"text": "Mardi 18 h ?", "kind": "yes_no"}],
                                              answered_per="family"), now)
    posts.create_post(world.director, "Fête de l’école", "La fête aura lieu samedi.",
                      [keys.group_key(world.class_a.id), keys.group_key(world.class_b.id)], now)
    thread, _ = conversations.start_child_thread(guardian, child, world.school.id, "Cantine",
                                                 "Awa a oublié son gilet bleu.", now)
    conversations.add_message(thread, teacher, "Nous l’avons retrouvé.", now)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        photo = files.store_upload(FileStorage(io.BytesIO(_png()), filename="musee.png"), teacher, now)
        photo.post_id = post.id
        export = DataExport(user_id=guardian.id, created_dt=now, expires_dt=now + timedelta(days=2),
                            storage_key=new_key("zip"))
        get_storage().save(export.storage_key, b"PK\x05\x06" + b"\0" * 18)
        db.session.add(export)
    request = create_request(guardian, "erasure", "Merci d’effacer le compte de ma fille.", now, child=child)
    db.session.add(RosterReview(city_id=world.city.id, child_id=world.child_b.id, rank=2, last_name="Lefèvre",
                                first_name="Marc", candidate_id=world.parent_b.id, school_year="2026-2027"))

    world.parent_b.pending_email = "julie.nouvelle@example.org"
    confirm = issue_token(world.parent_b, "confirm", now, timedelta(days=2))
    reset = issue_token(world.parent_a2, "reset", now, timedelta(days=2))
    invited = factories.make_user(world.city, Role.TEACHER, "Inès", "Nouvelle", activated=False)
    factories.add_membership(invited, world.school, world.class_a)
    invite = issue_token(invited, "invite", now, timedelta(days=2))

    # A guardian the school registered who has a letter with a code and no account yet.
    letter = factories.make_user(world.city, Role.GUARDIAN, "Aminata", "Traoré", activated=False)
    factories.make_child(world.city, world.class_a, "Moussa", "Traoré", guardians=(letter,))
    code = issue_activation_code(letter, now, 60).code
    newcomer = factories.make_user(world.city, Role.GUARDIAN, "Rose", "Nouvel")
    newcomer.privacy_notice_version = None
    factories.make_child(world.city, world.class_b, "Lina", "Nouvel", guardians=(newcomer,))

    # The DPO has set up the second factor already (the admin sets it up in the test).
    secret = two_factor.start_enrolment(world.dpo)
    recovery_codes = two_factor.confirm_enrolment(world.dpo, pyotp.TOTP(secret).now(), utcnow())
    with app.test_request_context():
        unsubscribe_token = unsubscribe.token(guardian)
    db.session.commit()
    args = {
        "accounts.confirm_email": {"token": confirm},
        "accounts.reset_password": {"token": reset},
        "accounts.accept_invitation": {"token": invite},
        "admin.establishment_edit": {"public_id": world.school.public_id},
        "conversations.thread": {"public_id": thread.public_id},
        "dpo.request_page": {"public_id": request.public_id},
        "dpo.erase": {"public_id": request.public_id},
        "forms.results": {"public_id": form.public_id},
        "notifications.unsubscribe": {"token": unsubscribe_token},
        "school.class_codes": {"public_id": world.class_a.public_id},
    }
    for endpoint in ("posts.detail", "posts.edit", "posts.delete", "posts.tracking_page"):
        args[endpoint] = {"public_id": post.public_id}
    args.update(seed_activities(world, now))
    args.update(seed_city_life(world, now))
    return Seeded(args, activation_code=code, newcomer=newcomer, dpo_recovery_codes=recovery_codes)


def get_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}


def page_urls(app, seeded: Seeded) -> dict[str, str]:
    """The URL of every GET page that is not excluded, from the URL map."""
    urls = {}
    with app.test_request_context():
        for endpoint in sorted(get_endpoints(app) - EXCLUDED.keys()):
            rule = next(r for r in app.url_map.iter_rules(endpoint) if "GET" in r.methods)
            missing = set(rule.arguments) - set(seeded.args.get(endpoint, {}))
            assert not missing, f"{rule.rule}: give seed() a value for {missing} or add {endpoint} to EXCLUDED"
            urls[endpoint] = url_for(endpoint, **seeded.args.get(endpoint, {}))
    return urls


def _problems(page) -> list[str]:
    return layout_problems(page) + [f"{what} does not fit: its text spills out" for what in page.evaluate(SPILLS)]


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    screens: dict[str, dict[str, float]] = field(default_factory=dict)  # role → page rule → screens
    rendered: set[str] = field(default_factory=set)  # endpoints seen as a 200 page by some role


class Visitor:
    """One role's phone: visits pages, checks each distinct one once."""

    def __init__(self, app, browser, base_url: str, role: str, report: Report, axe=None):
        self.app, self.role, self.report, self.axe = app, role, report, axe
        self.context = browser.new_context(base_url=base_url, locale="fr-FR", **PHONE)
        self.page = self.context.new_page()
        self.seen: set[str] = set()
        self.adapter = app.url_map.bind("localhost")

    def close(self):
        self.context.close()

    def _rule(self, path: str) -> tuple[str | None, str]:
        try:
            endpoint, _ = self.adapter.match(path, method="GET")
        except HTTPException:
            return None, path
        return endpoint, next(self.app.url_map.iter_rules(endpoint)).rule

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        self.check(response.status if response else 200)

    def check(self, status: int = 200) -> None:
        """Check the page on screen now (once per role and page, error pages once per status)."""
        page = self.page
        page.wait_for_load_state()
        endpoint, rule = self._rule(urlsplit(page.url).path)
        where = f"[{self.role}] {rule}" if status == 200 else f"[{self.role}] error {status} ({rule})"
        if status >= 500:
            self.report.problems.append(f"{where}: answers {status}")
        key = rule if status == 200 else f"error {status}"
        state = page.evaluate("() => document.querySelectorAll('details[open]').length + ':' + "
                              "(document.querySelector('p.code') ? 1 : 0)")
        if f"{key}|{state}" in self.seen:
            return
        self.seen.add(f"{key}|{state}")
        if status == 200 and endpoint:
            self.report.rendered.add(endpoint)
        self.report.screens.setdefault(self.role, {})[key] = round(screens(page), 1)
        found = [f"{where}: {problem}" for problem in _problems(page)]
        if page.locator("html").get_attribute("lang") != "fr":  # French: the longest labels
            found.append(f"{where}: shown in {page.locator('html').get_attribute('lang')}, not in French")
        if page.locator("details:not([open])").count():
            page.evaluate(OPEN_DETAILS)
            found += [f"{where} (sections open): {problem}" for problem in _problems(page)
                      if f"{where}: {problem}" not in found]
        if self.axe is not None:
            for violation in self.axe.run(page).response["violations"]:
                nodes = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                found.append(f"{where}: axe {violation['id']} ({violation['help']}): {nodes}")
        self.report.problems.extend(found)

    def submit(self, selector: str = "main form button[type=submit]") -> None:
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()

    def log_in(self, user) -> None:
        self.page.goto("/login")
        self.page.fill("input[name=email]", user.email)
        self.page.fill("input[name=password]", factories.PASSWORD)
        self.submit()


def _anonymous_journeys(visitor: Visitor, seeded: Seeded, world) -> None:
    """The activation steps with a letter's code, then a newcomer's first login (the notice)."""
    page = visitor.page
    visitor.visit("/activate")
    page.fill("input[name=code]", seeded.activation_code)
    visitor.submit()
    visitor.check()
    page.fill("input[name=last_name]", "Traoré")
    visitor.submit()
    visitor.check()
    visitor.log_in(seeded.newcomer)
    visitor.check()


def _admin_login(visitor: Visitor, user) -> None:
    """First login of an administrator: the second-factor setup, its key, the recovery codes."""
    page = visitor.page
    visitor.log_in(user)
    visitor.check()
    visitor.submit()  # "Show my key" is a POST
    visitor.check()
    key = page.locator("p.code").inner_text().replace(" ", "")
    page.fill("input[name=code]", pyotp.TOTP(key).now())
    visitor.submit()
    visitor.check()


def _dpo_login(visitor: Visitor, user, recovery_codes: list[str]) -> None:
    """A DPO already enrolled: the code page, then the recovery-code page (a code from the seed
    would be refused: its step was used at enrolment)."""
    page = visitor.page
    visitor.log_in(user)
    visitor.check()
    with page.expect_navigation():
        page.locator("main a[href*='/login/two-factor/recovery']").click()
    visitor.check()
    page.fill("input[name=code]", recovery_codes[0])
    visitor.submit()


def role_users(world) -> dict[str, object]:
    return {"guardian": world.parent_a, "teacher": world.teacher_a, "director": world.director,
            "animator": world.animator, "city_agent": world.city_agent, "admin": world.admin,
            "dpo": world.dpo}


def visit_everything(app, browser, base_url: str, world, axe=None, roles=ROLES) -> Report:
    """Seed, then visit every page as every role; the report lists every problem found."""
    seeded = seed(app, world)
    urls = page_urls(app, seeded)
    report = Report()
    users = role_users(world)
    for role in roles:
        visitor = Visitor(app, browser, base_url, role, report, axe)
        try:
            if role == "anonymous":
                _anonymous_journeys(visitor, seeded, world)
                visitor.close()
                visitor = Visitor(app, browser, base_url, role, report, axe)
            elif role == "admin":
                _admin_login(visitor, users[role])
            elif role == "dpo":
                _dpo_login(visitor, users[role], seeded.dpo_recovery_codes)
            else:
                visitor.log_in(users[role])
            for url in urls.values():
                visitor.visit(url)
        finally:
            visitor.close()
    return report

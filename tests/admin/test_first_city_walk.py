"""The README's walk, "From an empty database to the first logins", step by step, without the demo seed.

Each step is what the README tells a new city to do, through the same command and pages.
"""
from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from ent_lite.accounts.models import Role, User
from ent_lite.extensions import db
from ent_lite.school.models import City, Establishment, Group

from tests.accounts.conftest import link_path
from tests.factories import SCHOOL_YEAR
from tests.school.conftest import HEADER

ENGLISH = {"Accept-Language": "en"}
ADMIN_PASSWORD = "lighthouse keeper of quiet harbours"
AGENT_PASSWORD = "orange kites over the river bank"
PARENT_PASSWORD = "seven sleepy owls in the barn"
ROSTER = "\r\n".join([
    HEADER,
    "École Jean Jaurès;CP A;CP;Morin;Lucie;04/05/2019;Morin;Claire;mère;oui;;0611223344;;;;;;",
    "École Jean Jaurès;CP A;CP;Haddad;Sami;12/01/2019;Haddad;Nadia;mère;oui;nadia@example.org;;;;;;;",
]) + "\r\n"


def choose_password(client, mail, password: str):
    path = link_path(mail, "/invite/")
    assert client.get(path).status_code == 200
    return client.post(path, data={"password": password, "confirm": password})


def printed_code(client, group: Group, first_name: str, last_name: str) -> str:
    """The code on the family's letter, issued when the admin prints the class's letters."""
    page = client.post(f"/school/classes/{group.public_id}/letters", headers=ENGLISH).get_data(as_text=True)
    match = re.search(re.escape(f"<dt>{first_name} {last_name.upper()}</dt>") +
                      r'\s*<dd><span class="code" translate="no">([A-Z0-9-]+)</span>', page)
    assert match, page
    return match.group(1)


def test_from_an_empty_database_to_the_first_staff_login_and_family_activation(app, runner, client, login_as,
                                                                                mailbox):
    assert db.session.scalar(select(func.count(City.id))) == 0

    # 1. The first administrator, from the command line: the city is created with them.
    result = runner.invoke(args=["ent-lite", "create-admin", "ada.royer@example.org", "--first-name", "Ada",
                                 "--last-name", "Royer", "--city", "Ville-sur-Mer"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))

    # 2. The mailed link: choose a password; then the first login asks for the second factor.
    done = choose_password(client, mailbox.to(admin.email)[0], ADMIN_PASSWORD)
    assert done.status_code == 302
    assert client.get("/admin/").headers["Location"].startswith("/login/two-factor")
    login_as(admin, password=ADMIN_PASSWORD)  # enrols the authenticator app, keeps the recovery codes
    assert client.get("/admin/").status_code == 200

    # 3. A city service.
    client.post("/admin/establishments", data={"kind": "service", "name": "Service Éducation", "district": ""})
    service = db.session.scalar(select(Establishment).where(Establishment.name == "Service Éducation"))

    # 4. The roster of a school: classes, pupils, guardians and their activation codes.
    report = client.post("/admin/roster", content_type="multipart/form-data", follow_redirects=True,
                         headers=ENGLISH,
                         data={"school_year": SCHOOL_YEAR, "roster": (io.BytesIO(ROSTER.encode()), "r.csv")})
    assert '<th scope="row">Pupils added</th><td>2</td>' in report.get_data(as_text=True)

    # 5. A staff member invited into the service, who logs in for the first time.
    client.post("/staff/invite", data={"first_name": "Louis", "last_name": "Fabre", "email": "louis@example.org",
                                       "role": "city_agent", "establishment": service.public_id})
    agent_browser = app.test_client()
    assert choose_password(agent_browser, mailbox.to("louis@example.org")[0], AGENT_PASSWORD).status_code == 302
    agent_browser.post("/logout")
    login = agent_browser.post("/login", data={"email": "louis@example.org", "password": AGENT_PASSWORD})
    assert login.status_code == 302 and "All families of the city" in agent_browser.get("/news/new", headers=ENGLISH).get_data(as_text=True)

    # 6. The class's letters, printed by the administrator; 7. a parent activates with hers.
    group = db.session.scalar(select(Group).where(Group.name == "CP A"))
    code = printed_code(client, group, "Claire", "Morin")
    parent = app.test_client()
    assert parent.post("/activate", data={"code": code}).headers["Location"] == "/activate/name"
    assert parent.post("/activate/name", data={"last_name": "morin"}).headers["Location"] == "/activate/account"
    activated = parent.post("/activate/account", data={"email": "claire@example.org", "password": PARENT_PASSWORD,
                                                       "confirm": PARENT_PASSWORD})
    assert activated.headers["Location"] == "/welcome/privacy"
    parent.post("/welcome/privacy")
    assert parent.get("/news").status_code == 200
    assert "Lucie" in parent.get("/consents").get_data(as_text=True)  # her child, on her consents page


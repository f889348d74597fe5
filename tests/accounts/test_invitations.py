"""Staff are invited by an emailed link; admins invite anyone, directors their own school."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ent_lite.accounts.invitations import Placement, check_invitation, invite_scope, send_staff_invitation
from ent_lite.accounts.models import AccountToken, Membership, User
from ent_lite.core.db_types import utcnow
from tests import factories
from tests.accounts.conftest import NEW_PASSWORD, link_path


def invite(client, **fields):
    data = {"first_name": "Jeanne", "last_name": "Barret", "email": "jeanne.barret@example.org",
            "role": "teacher", **fields}
    return client.post("/staff/invite", data=data)


def find(db, email):
    return db.session.scalar(select(User).where(User.email == email))


def test_director_invites_a_teacher_of_a_class_who_then_logs_in(client, other_client, world, db, mailbox,
                                                                login_as):
    login_as(world.director)
    response = invite(client, establishment=world.school.public_id, groups=[world.class_a.public_id])
    assert response.status_code == 302
    user = find(db, "jeanne.barret@example.org")
    assert user.role == "teacher" and user.password_hash is None and user.city_id == world.city.id
    places = db.session.scalars(select(Membership).where(Membership.user_id == user.id)).all()
    assert [(m.establishment_id, m.group_id) for m in places] == [(world.school.id, world.class_a.id)]
    (message,) = mailbox.to("jeanne.barret@example.org")
    path = link_path(message, "/invite/")
    # The invited person cannot log in before choosing a password.
    assert "Jeanne Barret" in other_client.get(path).get_data(as_text=True)
    response = other_client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert other_client.get("/account").status_code == 200
    assert user.activated_dt is not None and user.last_login_dt is not None
    # Single use.
    assert client.get(path).status_code == 410


def test_invitation_form_errors_sit_next_to_fields(client, world, login_as):
    login_as(world.director)
    page = invite(client, email=world.parent_a.email, establishment=world.school.public_id).get_data(as_text=True)
    assert 'id="email-error"' in page and "already used by another account" in page
    assert 'value="Jeanne"' in page


def test_email_comparison_ignores_case(client, world, login_as):
    login_as(world.admin)
    page = invite(client, email=world.parent_a.email.upper(),
                  establishment=world.school.public_id).get_data(as_text=True)
    assert "already used by another account" in page


def test_director_cannot_invite_outside_their_school_or_roles(client, world, db, login_as, mailbox):
    login_as(world.director)
    page = invite(client, establishment=world.other_school.public_id).get_data(as_text=True)
    assert 'id="establishment-error"' in page
    page = invite(client, establishment=world.school.public_id, groups=[world.other_class.public_id])
    assert 'id="groups-error"' in page.get_data(as_text=True)
    page = invite(client, role="admin", establishment=world.school.public_id).get_data(as_text=True)
    assert 'id="role-error"' in page
    assert find(db, "jeanne.barret@example.org") is None
    assert not mailbox
    form = client.get("/staff/invite").get_data(as_text=True)
    assert world.other_school.name not in form and world.other_class.public_id not in form


def test_a_class_must_belong_to_the_chosen_school(client, world, login_as, db):
    login_as(world.admin)
    page = invite(client, establishment=world.other_school.public_id, groups=[world.class_a.public_id])
    assert 'id="groups-error"' in page.get_data(as_text=True)
    assert find(db, "jeanne.barret@example.org") is None


def test_admin_invites_any_role_anywhere(client, world, db, login_as, mailbox):
    login_as(world.admin)
    mailbox.clear()  # the notice of the administrator's own second-factor enrolment
    assert invite(client, role="director", establishment=world.other_school.public_id).status_code == 302
    assert invite(client, role="dpo", email="dpo2@example.org").status_code == 302
    director = find(db, "jeanne.barret@example.org")
    assert director.role == "director"
    assert [(m.establishment_id, m.group_id) for m in director.memberships] == [(world.other_school.id, None)]
    assert find(db, "dpo2@example.org").memberships == []
    assert len(mailbox) == 2


def test_a_teacher_needs_an_establishment(client, world, login_as):
    login_as(world.admin)
    assert 'id="establishment-error"' in invite(client).get_data(as_text=True)


def test_other_roles_do_not_see_the_page(client, world, login_as):
    for user in (world.teacher_a, world.parent_a, world.dpo, world.city_agent):
        login_as(user)
        assert client.get("/staff/invite").status_code == 404
        assert invite(client, establishment=world.school.public_id).status_code == 404


def test_resend_replaces_the_link(client, world, db, login_as, mailbox):
    login_as(world.director)
    invite(client, establishment=world.school.public_id)
    user = find(db, "jeanne.barret@example.org")
    first = link_path(mailbox[-1], "/invite/")
    page = client.get("/staff/invite").get_data(as_text=True)
    assert "Jeanne Barret" in page
    assert client.post(f"/staff/invite/{user.public_id}/resend").status_code == 302
    second = link_path(mailbox[-1], "/invite/")
    assert first != second
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_resend_is_limited_to_the_directors_school(client, world, db, login_as, mailbox):
    stranger = factories.make_user(world.city, "teacher", "Ana", "Loin", activated=False)
    factories.add_membership(stranger, world.other_school, world.other_class)
    db.session.commit()
    login_as(world.director)
    assert client.post(f"/staff/invite/{stranger.public_id}/resend").status_code == 404
    assert client.post(f"/staff/invite/{world.teacher_a.public_id}/resend").status_code == 404
    assert not mailbox


def test_an_expired_invitation_gets_a_clear_page(client, world, db, mailbox):
    user = factories.make_user(world.city, "teacher", "Ana", "Tard", activated=False)
    send_staff_invitation(user, utcnow() - timedelta(days=8))
    db.session.commit()
    response = client.get(link_path(mailbox[-1], "/invite/"))
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_invitation_links_are_valid_for_the_configured_days(world, db, mailbox, app):
    user = factories.make_user(world.city, "animator", "Ana", "Temps", activated=False)
    with app.test_request_context():
        assert send_staff_invitation(user, utcnow()) is True
    row = db.session.scalar(select(AccountToken).where(AccountToken.user_id == user.id))
    assert row.purpose == "invite"
    assert row.expires_dt - row.created_dt == timedelta(days=app.config["INVITE_TOKEN_DAYS"])


def test_invitation_password_follows_the_policy(client, world, db, mailbox):
    user = factories.make_user(world.city, "teacher", "Ana", "Politique", activated=False)
    send_staff_invitation(user, utcnow())
    db.session.commit()
    path = link_path(mailbox[-1], "/invite/")
    page = client.post(path, data={"password": "ana politique ok", "confirm": "ana politique ok"})
    assert "Do not use your name" in page.get_data(as_text=True)
    assert user.password_hash is None


def test_invitation_rules_give_translated_problems_per_field(world, app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        scope = invite_scope(world.director)
        placement, problems = check_invitation(scope, world.parent_a.email.upper(), "admin",
                                               world.other_school.public_id, [world.other_class.public_id])
        assert placement is None
        assert problems == {
            "email": ["This email address is already used by another account."],
            "role": ["Choose a role from the list."],
            "establishment": ["Choose an establishment from the list."],
            "groups": ["Choose only classes or groups of the chosen establishment."],
        }
        placement, problems = check_invitation(scope, "new@example.org", "teacher", world.school.public_id,
                                               [world.class_a.public_id])
        assert problems == {} and placement == Placement("teacher", world.school, [world.class_a])
        # City-wide roles need no establishment; others do.
        admin_scope = invite_scope(world.admin)
        assert check_invitation(admin_scope, "dpo2@example.org", "dpo", "", [])[1] == {}
        assert set(check_invitation(admin_scope, "t@example.org", "teacher", "", [])[1]) == {"establishment"}

"""The registration form's rules, called directly: what the form offers, what a submission
lacks, and a submission that fills the last place and puts the next child on the waiting list."""
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from ent_lite.activities import register_form, registration
from ent_lite.activities.models import BracketDeclaration, Registration, RegistrationStatus
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from tests import factories
from tests.activities.factories import make_activity


@pytest.fixture(autouse=True)
def in_english(db):
    with force_locale("en"):
        yield


def second_child(aw):
    """parent_a's second child, Tom, in CE1."""
    child = factories.make_child(aw.world.city, aw.world.class_b, "Tom", "Diallo",
                                 guardians=(aw.world.parent_a, aw.world.parent_a2))
    db.session.commit()
    return child


def test_the_bracket_is_asked_until_declared_for_the_school_year(aw):
    activity = make_activity(aw)
    parent = aw.world.parent_a
    assert register_form.form_page(parent, activity, bracket_change=False).asking
    db.session.add(BracketDeclaration(user_id=parent.id, bracket_id=aw.brackets[2].id,
                                      school_year=activity.school_year, declared_dt=utcnow()))
    db.session.commit()
    page = register_form.form_page(parent, activity, bracket_change=False)
    assert not page.asking and page.bracket("ignored") == aw.brackets[2]
    assert register_form.form_page(parent, activity, bracket_change=True).asking


def test_a_child_of_another_family_cannot_be_ticked(aw):
    page = register_form.form_page(aw.world.parent_a, make_activity(aw), bracket_change=False)
    child_a = aw.world.child_a
    assert register_form.chosen_children(page, [child_a.public_id, child_a.public_id]) == [child_a]
    assert register_form.chosen_children(page, [child_a.public_id, aw.world.child_b.public_id]) is None


def test_a_submission_lists_every_problem_in_page_order(aw):
    tom = second_child(aw)
    activity = make_activity(aw, levels="CP", prices=(0, 500))  # Tom is in CE1; bracket C has no price
    page = register_form.form_page(aw.world.parent_a, activity, bracket_change=False)
    assert register_form.submission_problems(aw.world.parent_a, page, [], {}, None, [], utcnow()) == [
        ("children", "Tick at least one child to register.")]
    notes = {tom.public_id: "x" * (registration.NOTE_MAX_LENGTH + 1)}
    problems = register_form.submission_problems(aw.world.parent_a, page, [tom], notes,
                                                 aw.brackets[2].public_id, [], utcnow())
    assert problems == [
        (f"child-{tom.public_id}", "Tom: This activity is not for this child's age or school level."),
        ("bracket-0", "No price is set for this bracket: please contact the organiser."),
        (f"note-{tom.public_id}", "Tom: Write at most 500 characters."),
    ]


def test_the_last_place_is_confirmed_and_the_next_child_waits(aw):
    tom = second_child(aw)
    activity = make_activity(aw, capacity=1, prices=(0, 500, 1000))
    parent = aw.world.parent_a
    page = register_form.form_page(parent, activity, bracket_change=False)
    chosen = [aw.world.child_a, tom]
    assert register_form.submission_problems(parent, page, chosen, {}, aw.brackets[1].public_id, [], utcnow()) == []
    lines = register_form.submit(parent, page, chosen, {}, aw.brackets[1].public_id, utcnow())
    db.session.commit()
    assert lines == ["Awa: place confirmed. Amount due: €5.00.", "Tom — Waiting list: first."]
    declared = db.session.scalar(select(BracketDeclaration).where(BracketDeclaration.user_id == parent.id))
    assert declared.bracket_id == aw.brackets[1].id


def test_a_child_registered_twice_refuses_the_whole_submission(aw):
    tom = second_child(aw)
    activity = make_activity(aw)
    parent = aw.world.parent_a
    page = register_form.form_page(parent, activity, bracket_change=False)
    register_form.submit(parent, page, [aw.world.child_a], {}, aw.brackets[0].public_id, utcnow())
    db.session.commit()
    page = register_form.form_page(parent, activity, bracket_change=False)
    with pytest.raises(registration.Refused) as refused:
        register_form.submit(parent, page, [tom, aw.world.child_a], {}, None, utcnow())
    db.session.rollback()
    assert register_form.refusal_problems(refused.value) == [
        (f"child-{aw.world.child_a.public_id}", "Awa: Already registered for this activity.")]
    assert db.session.scalars(select(Registration.child_id)).all() == [aw.world.child_a.id]
    assert db.session.scalar(select(Registration.status)) == RegistrationStatus.CONFIRMED

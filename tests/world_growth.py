"""Growing the every-page world from one item per list to fifty, for the constant-queries test.

``one_of_each`` fills the lists the seed leaves empty; ``grow(app, world, seeded, now)`` adds 49 more of each thing a page lists, through the services
where they exist, to the objects the every-page seed made: posts in the class's feed (with
their reads and answers), children in class A (each with a guardian), threads and messages,
files of a post, events, activities and their registrations, absences, notifications, rights
requests (open and answered), bounced addresses, periscolaire enrolments, staff and roster rows to review. Each helper returns the table it grew, so the test can check
that the world really holds fifty.
"""
from __future__ import annotations

import io
from datetime import datetime, timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from ent_lite.absences import services as absences
from ent_lite.accounts.models import Role
from ent_lite.activities.models import Activity, QuotientBracket
from ent_lite.agenda import events
from ent_lite.audience import keys
from ent_lite.conversations import services as conversations
from ent_lite.conversations.models import Thread
from ent_lite.core.localtime import to_local
from ent_lite.dpo.services import close_request, create_request
from ent_lite.extensions import db
from ent_lite.files import services as files
from ent_lite.forms import services as forms
from ent_lite.notifications.models import EmailProblem
from ent_lite.posts import services as posts
from ent_lite.posts.models import Post
from ent_lite.school.models import Establishment, Group, RosterReview
from tests import factories
from tests.activities.factories import ActivityWorld, make_activity
from tests.activities.privacy_rows import enrol as register
from tests.city_life.factories import enrol
from tests.files import images
from tests.notifications.privacy_rows import told_of

MORE = 49


def _by_public_id(model, public_id: str):
    return db.session.scalar(select(model).where(model.public_id == public_id))


def more_children(world) -> list[tuple]:
    """49 more children in class A, each with a guardian of their own: (guardian, child) pairs."""
    families = []
    for n in range(MORE):
        guardian = factories.make_user(world.city, Role.GUARDIAN, "Parent", f"Famille {n}")
        child = factories.make_child(world.city, world.class_a, f"Enfant {n}", f"Famille {n}", guardians=(guardian,))
        families.append((guardian, child))
    return families


def more_posts(world, now: datetime) -> list[Post]:
    """49 more posts to class A, told to parent_a as notifications."""
    made = [posts.create_post(world.teacher_a, f"Nouvelle {n}", "Bonjour.", [keys.group_key(world.class_a.id)],
                              now - timedelta(minutes=n)) for n in range(MORE)]
    db.session.commit()
    for n, post in enumerate(made):
        told_of(world.parent_a, post, now - timedelta(minutes=n))
    return made


def more_reads_and_answers(post: Post, families, now: datetime) -> None:
    """Each new family reads the seeded post and answers its form."""
    form = forms.form_of_post(post)
    for guardian, _ in families:
        posts.record_read(guardian, post, now)
        for target in forms.answer_targets(guardian, post, form, now):
            forms.save_answers(form, guardian, target, {q.id: "yes" for q in form.questions}, now)


def more_files(app, post: Post, now: datetime) -> None:
    """49 more photos on the seeded post."""
    with app.test_request_context():
        for n in range(MORE):
            photo = files.store_upload(FileStorage(io.BytesIO(images.small_jpeg()), filename=f"p{n}.jpg"),
                                       post.author, now)
            photo.post_id = post.id


def more_threads_and_messages(world, thread: Thread, service_id: int, now: datetime) -> None:
    """49 more threads of parent_a with the school and with the city service, and 49 more
    messages in the seeded thread."""
    for n in range(MORE):
        conversations.start_child_thread(world.parent_a, world.child_a, world.school.id, f"Sujet {n}",
                                         "Bonjour.", now - timedelta(minutes=n))
        conversations.start_service_thread(world.parent_a, service_id, f"Question {n}", "Bonjour.",
                                           now - timedelta(minutes=n))
        author = world.teacher_a if n % 2 else world.parent_a
        conversations.add_message(thread, author, f"Message {n}", now)


def more_events(world, now: datetime) -> None:
    today = to_local(now).date()
    for n in range(MORE):
        events.create_event(world.director, events.EventDetails(f"Événement {n}", today + timedelta(days=n % 20)),
                            [keys.establishment_key(world.school.id)], now)


def more_activities(world, families, now: datetime) -> None:
    """49 more activities, child_a registered to each; the seeded activity's 49 more children."""
    service = db.session.scalar(select(Establishment).where(Establishment.name == "Service des sports"))
    site = db.session.scalar(select(Establishment).where(Establishment.name == "Accueil de loisirs Pasteur"))
    brackets = list(db.session.scalars(select(QuotientBracket).where(QuotientBracket.city_id == world.city.id)
                                       .order_by(QuotientBracket.position)))
    aw = ActivityWorld(world, service, site, brackets)
    for n in range(MORE):
        register(make_activity(aw, title=f"Atelier {n}", now=now), world.child_a, world.parent_a, now)
    seeded = db.session.scalar(select(Activity).where(Activity.title == "Stage de judo"))
    for guardian, child in families:
        register(seeded, child, guardian, now)


def more_absences(world, families, now: datetime) -> None:
    """Today's absence of each new child; 49 more days of absence of child_a."""
    today = to_local(now).date()
    for guardian, child in families:
        absences.declare(guardian, child, absences.AbsenceFields(today, today, True, True), now)
    for n in range(1, MORE + 1):
        day = today + timedelta(days=n)
        absences.declare(world.parent_a, world.child_a, absences.AbsenceFields(day, day, True, False), now)


def closed_request(guardian, dpo, now: datetime) -> None:
    close_request(create_request(guardian, "other", "Merci.", now), "done", "C’est fait.", dpo, now)


def more_requests(world, families, now: datetime) -> None:
    """49 more open rights requests and 49 more answered ones, by other guardians (a guardian
    loaded for one list would be found in the session by the other)."""
    for n, (guardian, _) in enumerate(families):
        create_request(guardian, "other", "Merci.", now)
        closed_request(factories.make_user(world.city, Role.GUARDIAN, "Ancien", f"Demandeur {n}"), world.dpo, now)


def more_email_problems(families, now: datetime) -> None:
    db.session.add_all([EmailProblem(user_id=guardian.id, address=guardian.email, smtp_code=550,
                                     detail="5.1.1 mailbox unavailable", recorded_dt=now)
                        for guardian, _ in families])


def more_periscolaire(world, families) -> None:
    evening = db.session.scalar(select(Group).join(Establishment).where(
        Establishment.city_id == world.city.id, Group.name == "Soir"))
    for _, child in families:
        enrol(child, evening)


def more_staff_and_reviews(world, families) -> None:
    """49 more teachers of the school (a class each), and 49 more roster rows to review."""
    for n in range(MORE):
        teacher = factories.make_user(world.city, Role.TEACHER, "Professeur", f"Numéro {n}")
        factories.add_membership(teacher, world.school, factories.make_class(world.school, f"Classe {n}", "CE2"))
    db.session.add_all([RosterReview(city_id=world.city.id, child_id=child.id, rank=2, last_name="Famille",
                                     first_name=f"Second {n}", candidate_id=guardian.id, school_year="2026-2027")
                        for n, (guardian, child) in enumerate(families)])


def one_of_each(world, seeded, now: datetime) -> None:
    """What the every-page seed leaves empty, so that every list holds one item before it grows:
    parent_a's answer to the seeded form, a notification, an answered rights request, an
    address that bounced."""
    post = _by_public_id(Post, seeded.args["posts.detail"]["public_id"])
    more_reads_and_answers(post, [(world.parent_a, world.child_a)], now)
    told_of(world.parent_a, post, now)
    closed_request(world.parent_b, world.dpo, now)
    more_email_problems([(world.parent_b, world.child_b)], now)
    db.session.commit()


def grow(app, world, seeded, now: datetime) -> None:
    post = _by_public_id(Post, seeded.args["posts.detail"]["public_id"])
    thread = _by_public_id(Thread, seeded.args["conversations.thread"]["public_id"])
    service_id = db.session.scalar(select(Establishment.id).where(Establishment.name == "Service Enfance"))
    families = more_children(world)
    more_posts(world, now)
    more_reads_and_answers(post, families, now)
    more_files(app, post, now)
    more_threads_and_messages(world, thread, service_id, now)
    more_events(world, now)
    more_activities(world, families, now)
    more_absences(world, families, now)
    more_requests(world, families, now)
    more_email_problems(families, now)
    more_periscolaire(world, families)
    more_staff_and_reviews(world, families)
    db.session.commit()

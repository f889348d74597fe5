"""Fixtures for polls and authorisations: posts written and forms attached through the services."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g, render_template
from sqlalchemy import func, select

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db as _db
from ent_lite.forms import services
from ent_lite.core.localtime import city_zone
from ent_lite.forms.models import Answer, Response
from ent_lite.posts.services import create_post


def builder_data(kind="poll", questions=(), answered_per="child", days=7, at=None):
    """What a validated FormBuilderForm's ``.data`` holds, deadline ``days`` from now (local)."""
    local = (utcnow() + timedelta(days=days)).astimezone(city_zone())
    slots = [dict(text="", kind="yes_no", choices="", is_optional=False) for _ in range(4)]
    for slot, question in zip(slots, questions):
        slot.update(question)
    return {"kind": kind, "answered_per": answered_per, "deadline_date": local.date(),
            "deadline_time": at, "questions": slots}


@pytest.fixture
def make_form(db):
    """A post by ``author`` to ``targets`` with a form attached (committed)."""

    def _make(author, targets, kind="poll", questions=(), answered_per="child", title="Sortie au musée"):
        now = utcnow()
        post = create_post(author, title, "Bonjour.", targets, now)
        form = services.attach_form(post, builder_data(kind, questions, answered_per), now)
        _db.session.commit()
        return post, form

    return _make


OUTING_QUESTIONS = (
    {"text": "Lunch", "kind": "single", "choices": "Packed lunch\nCanteen"},
    {"text": "Can you come with us?", "kind": "multiple", "choices": "Morning\nAfternoon", "is_optional": True},
    {"text": "How many adults?", "kind": "number", "is_optional": True},
)


@pytest.fixture
def outing(world, make_form):
    """Claire's outing authorisation to class A (child_a, shared by parent_a and parent_a2)."""
    return make_form(world.teacher_a, [keys.group_key(world.class_a.id)], kind="authorisation",
                     questions=OUTING_QUESTIONS, title="Museum outing")


def answer_url(form) -> str:
    return f"/forms/{form.public_id}/answer"


def fields(form, child, **answers) -> dict:
    """The POST body of one child's answer form (per-family forms: child=None)."""
    prefix = f"c_{child.public_id}" if child is not None else "family"
    data = {"child": child.public_id} if child is not None else {}
    for name, value in answers.items():
        data[f"{prefix}-{name}"] = value
    return data


def counts() -> tuple[int, int]:
    return (_db.session.scalar(select(func.count()).select_from(Response)),
            _db.session.scalar(select(func.count()).select_from(Answer)))


def panel_html(app, user, post, now=None, lang="en") -> str:
    """The post page's panel as ``user`` sees it (the post page includes this template)."""
    g.pop("_flask_babel", None)  # the test's app context outlives the request: forget its locale
    with app.test_request_context(headers={"Accept-Language": lang}):
        g.pop("_flask_babel", None)
        panel = services.form_panel(user, post, now or utcnow())
        if panel is None:
            return ""
        return render_template("forms/_panel.html", panel=panel)

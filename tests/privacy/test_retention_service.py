"""Retention overrides stay within their legal bounds whoever calls the service, not only
through the form (a command, an import or a later page would go around it)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ent_lite.audit.models import AuditEntry
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.privacy import retention
from ent_lite.privacy.models import RetentionOverride
from ent_lite.privacy import services as privacy_services

OUT_OF_BOUNDS = [(key, days) for key, category in retention.CATEGORIES.items()
                 for days in (category.min_days - 1, category.max_days + 1)]


def stored() -> list:
    return db.session.execute(select(RetentionOverride.category, RetentionOverride.days)).all()


@pytest.mark.parametrize("key, days", OUT_OF_BOUNDS, ids=[f"{k}={d}" for k, d in OUT_OF_BOUNDS])
def test_the_service_refuses_a_duration_outside_the_legal_bounds(world, key, days):
    with pytest.raises(retention.OutOfBounds) as refused:
        privacy_services.save_periods({key: days}, world.admin, utcnow())
    assert refused.value.key == key
    with pytest.raises(retention.OutOfBounds):
        retention.set_override(key, days, utcnow())
    db.session.commit()
    assert stored() == []
    assert retention.effective_days(key) == retention.CATEGORIES[key].days
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


@pytest.mark.parametrize("days", [True, "30", 30.0, None])
def test_the_service_refuses_what_is_not_a_number_of_days(world, days):
    with pytest.raises(retention.OutOfBounds):
        privacy_services.save_periods({"class_content": days}, world.admin, utcnow())
    assert stored() == []


def test_one_duration_out_of_bounds_refuses_them_all(world):
    with pytest.raises(retention.OutOfBounds) as refused:
        privacy_services.save_periods({"class_content": 30, "audit_log": 30}, world.admin, utcnow())
    assert refused.value.key == "audit_log"
    db.session.commit()
    assert stored() == [] and retention.effective_days("class_content") == 90


def test_the_refusal_reads_as_the_forms_message(world, english, app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(retention.OutOfBounds) as refused:
            privacy_services.save_periods({"audit_log": 30}, world.admin, utcnow())
        assert refused.value.message == "Choose between 183 and 365 days."


def test_durations_in_bounds_are_stored_and_audited_once_each(world):
    changed = privacy_services.save_periods({"class_content": 30, "conversations": 90, "audit_log": 183},
                                     world.admin, utcnow())
    db.session.commit()
    assert changed == ["class_content", "audit_log"]  # conversations kept its default
    assert sorted(stored()) == [("audit_log", 183), ("class_content", 30)]
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions == ["retention.change", "retention.change"]

"""The purposes register and the retention policy's column map."""
from __future__ import annotations

import tomllib

import pytest

from ent_lite.extensions import db
from ent_lite.privacy import register, registry, retention
from ent_lite.privacy.register import RegisterError, parse


def _raw() -> dict:
    return tomllib.loads(register.register_text().decode("utf-8"))


def test_every_purpose_is_complete_and_names_known_categories():
    purposes = register.purposes()
    keys = {p.key for p in purposes}
    assert {"school_news", "conversations", "signatures_forms", "accounts_security",
            "photo_publication", "city_information", "audit_logging", "data_rights"} <= keys
    for purpose in purposes:
        assert purpose.name.get("fr") and purpose.name.get("en") and purpose.name.fr != purpose.name.en
        assert purpose.description.get("fr") and purpose.description.get("en")
        assert purpose.legal_basis in ("public_task", "consent", "legal_obligation")
        assert purpose.recipients and purpose.subjects
        assert set(purpose.data_categories) <= set(retention.CATEGORIES)


def test_the_register_categories_are_the_retention_categories():
    assert set(register.load().categories) == set(retention.CATEGORIES)


def test_the_agreed_consent_purposes():
    photo = register.purpose("photo_publication")
    assert photo.consent.subject == "child"
    assert photo.consent.audiences == ("class", "school", "city")
    assert photo.consent.guardians_required == "both"
    city = register.purpose("city_information")
    assert city.consent.subject == "guardian" and city.consent.audiences == ()
    assert [p.key for p in register.consent_purposes()] == ["photo_publication", "city_information"]
    assert all(p.legal_basis == "consent" for p in register.consent_purposes())
    with pytest.raises(KeyError):
        register.purpose("advertising")


@pytest.mark.parametrize("field", ["legal_basis", "name", "description", "subjects", "data_categories", "recipients"])
def test_a_purpose_missing_a_field_is_refused(field):
    raw = _raw()
    del raw["purposes"]["school_news"][field]
    with pytest.raises(RegisterError, match=f"purposes.school_news: missing {field}"):
        parse(raw)


def test_a_purpose_naming_an_unknown_category_is_refused():
    raw = _raw()
    raw["purposes"]["conversations"]["data_categories"].append("shoe_sizes")
    with pytest.raises(RegisterError, match="unknown shoe_sizes"):
        parse(raw)


def test_a_text_missing_in_one_language_is_refused():
    raw = _raw()
    del raw["purposes"]["conversations"]["description"]["en"]
    with pytest.raises(RegisterError, match="conversations.description"):
        parse(raw)


def test_a_consent_purpose_without_its_consent_block_is_refused():
    raw = _raw()
    del raw["purposes"]["photo_publication"]["consent"]
    with pytest.raises(RegisterError, match="consent block"):
        parse(raw)


def test_texts_follow_the_interface_language(app):
    purpose = register.purpose("conversations")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(purpose.name) == "Conversations between families and staff"
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert str(purpose.name) == "Conversations entre familles et équipes"


def test_every_column_of_every_table_is_classified(app):
    unclassified = [f"{table.name}.{column.name}" for table in db.metadata.sorted_tables
                    for column in table.columns if registry.classify(table.name, column.name) is None]
    assert unclassified == []


def test_the_policy_names_only_existing_columns_and_categories(app):
    tables = {table.name: {c.name for c in table.columns} for table in db.metadata.sorted_tables}
    stale = [f"{table}.{column}" for table, by_category in registry.COLUMNS.items()
             for columns in by_category.values() for column in columns
             if column not in tables.get(table, set())]
    assert stale == []
    used = {category for by_category in registry.COLUMNS.values() for category in by_category}
    assert used <= set(retention.CATEGORIES) | {registry.NOT_PERSONAL}


def test_a_column_is_in_one_category_only():
    for table, by_category in registry.COLUMNS.items():
        columns = [c for group in by_category.values() for c in group]
        assert len(columns) == len(set(columns)), table


def test_defaults_are_within_their_bounds():
    for category in retention.CATEGORIES.values():
        assert category.min_days <= category.days <= category.max_days
    assert retention.CATEGORIES["audit_log"].days == 365
    assert retention.CATEGORIES["data_exports"].days == 2
    assert retention.CATEGORIES["class_content"].days == 90


def test_the_purge_handles_exactly_the_categories_marked_purged():
    from ent_lite.privacy.purge import PURGE_ORDER

    assert set(PURGE_ORDER) == {key for key, c in retention.CATEGORIES.items() if c.purged}

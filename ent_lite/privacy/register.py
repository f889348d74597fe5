"""The register of processing purposes, read from register.toml (versioned with the code).

Texts are given in every interface language; ``Localized`` renders the current locale's
text, so templates can write ``{{ purpose.name }}``.
"""
from __future__ import annotations

import tomllib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import has_request_context
from flask_babel import get_locale

REGISTER_FILE = Path(__file__).parent / "register.toml"
LANGUAGES = ("fr", "en")
LEGAL_BASES = ("public_task", "consent", "legal_obligation")
CONSENT_SUBJECTS = ("child", "guardian")
AUDIENCES = ("class", "school", "city")
GUARDIANS_REQUIRED = ("one", "both")
PURPOSE_FIELDS = ("legal_basis", "name", "description", "subjects", "data_categories", "recipients")


class RegisterError(ValueError):
    """register.toml is incomplete or names something it does not define."""


# Set while a text is rendered in a given language whatever the request's (the notice's version).
_FORCED_LANGUAGE: ContextVar[str | None] = ContextVar("register_language", default=None)


@contextmanager
def texts_in(lang: str):
    """Give the register's texts in ``lang`` inside the block."""
    if lang not in LANGUAGES:
        raise ValueError(f"no register texts in {lang!r}")
    token = _FORCED_LANGUAGE.set(lang)
    try:
        yield
    finally:
        _FORCED_LANGUAGE.reset(token)


def current_language() -> str:
    forced = _FORCED_LANGUAGE.get()
    if forced is not None:
        return forced

    if has_request_context():
        lang = str(get_locale() or "")
        if lang in LANGUAGES:
            return lang
    return LANGUAGES[0]


@dataclass(frozen=True)
class Localized:
    fr: str
    en: str

    def get(self, lang: str | None = None) -> str:
        return getattr(self, lang if lang in LANGUAGES else current_language())

    def __str__(self) -> str:
        return self.get()


@dataclass(frozen=True)
class Named:
    key: str
    name: Localized

    def __str__(self) -> str:
        return str(self.name)


@dataclass(frozen=True)
class DataCategory:
    """A data category; its key is a retention category of retention.py."""

    key: str
    name: Localized
    # Retention rule with a ``{days}`` placeholder filled from the retention policy.
    retention: Localized

    def __str__(self) -> str:
        return str(self.name)


@dataclass(frozen=True)
class ConsentRule:
    subject: str  # "child" | "guardian"
    audiences: tuple[str, ...]
    guardians_required: str  # "one" | "both"


@dataclass(frozen=True)
class Purpose:
    key: str
    name: Localized
    description: Localized
    legal_basis: str
    subjects: tuple[Named, ...]
    data_categories: tuple[str, ...]
    recipients: tuple[Named, ...]
    consent: ConsentRule | None = None

    @property
    def is_consent(self) -> bool:
        return self.consent is not None

    def name_in(self, lang: str | None = None) -> str:
        return self.name.get(lang)

    def description_in(self, lang: str | None = None) -> str:
        return self.description.get(lang)


@dataclass(frozen=True)
class Register:
    controller_role: Localized
    # Where the data comes from (GDPR article 14) and the rights of the people concerned.
    source: Localized
    rights: Localized
    purposes: tuple[Purpose, ...]
    categories: dict[str, DataCategory]
    legal_bases: dict[str, Named]
    subjects: dict[str, Named]
    recipients: dict[str, Named]
    security_measures: tuple[Localized, ...]


def _localized(value, where: str) -> Localized:
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) or not value[lang].strip()
                                          for lang in LANGUAGES):
        raise RegisterError(f"{where}: needs a non-empty text for each of {', '.join(LANGUAGES)}")
    return Localized(**{lang: value[lang].strip() for lang in LANGUAGES})


def _named_table(raw: dict, section: str) -> dict[str, Named]:
    table = raw.get(section)
    if not isinstance(table, dict) or not table:
        raise RegisterError(f"[{section}] is missing")
    return {key: Named(key, _localized(entry.get("name"), f"{section}.{key}.name")) for key, entry in table.items()}


def _refs(entry: dict, field: str, known: dict, where: str) -> list:
    values = entry[field]
    if not isinstance(values, list) or not values:
        raise RegisterError(f"{where}.{field}: needs at least one value")
    unknown = [v for v in values if v not in known]
    if unknown:
        raise RegisterError(f"{where}.{field}: unknown {', '.join(map(str, unknown))}")
    return values


def _consent(raw, where: str) -> ConsentRule:
    if not isinstance(raw, dict):
        raise RegisterError(f"{where}.consent: a consent purpose needs a consent block")
    subject, audiences, required = raw.get("subject"), raw.get("audiences"), raw.get("guardians_required")
    if subject not in CONSENT_SUBJECTS:
        raise RegisterError(f"{where}.consent.subject: one of {CONSENT_SUBJECTS}")
    if not isinstance(audiences, list) or any(a not in AUDIENCES for a in audiences):
        raise RegisterError(f"{where}.consent.audiences: a list taken from {AUDIENCES}")
    if required not in GUARDIANS_REQUIRED:
        raise RegisterError(f"{where}.consent.guardians_required: one of {GUARDIANS_REQUIRED}")
    return ConsentRule(subject, tuple(audiences), required)


def parse(raw: dict) -> Register:
    """Build and validate the register; raises RegisterError naming the faulty entry."""
    legal_bases = _named_table(raw, "legal_bases")
    if set(legal_bases) != set(LEGAL_BASES):
        raise RegisterError(f"[legal_bases] must name exactly {', '.join(LEGAL_BASES)}")
    subjects = _named_table(raw, "subjects")
    recipients = _named_table(raw, "recipients")
    categories = {key: DataCategory(key, named.name, _localized(raw["categories"][key].get("retention"),
                                                               f"categories.{key}.retention"))
                  for key, named in _named_table(raw, "categories").items()}
    controller = _localized((raw.get("controller") or {}).get("role"), "controller.role")
    processing = raw.get("processing") or {}
    source = _localized(processing.get("source"), "processing.source")
    rights = _localized(processing.get("rights"), "processing.rights")
    measures = tuple(_localized(m, f"security_measures[{i}]") for i, m in enumerate(raw.get("security_measures") or []))
    if not measures:
        raise RegisterError("[[security_measures]] is missing")
    purposes = []
    for key, entry in (raw.get("purposes") or {}).items():
        where = f"purposes.{key}"
        missing = [f for f in PURPOSE_FIELDS if f not in entry]
        if missing:
            raise RegisterError(f"{where}: missing {', '.join(missing)}")
        if entry["legal_basis"] not in LEGAL_BASES:
            raise RegisterError(f"{where}.legal_basis: one of {LEGAL_BASES}")
        is_consent = entry["legal_basis"] == "consent"
        if not is_consent and "consent" in entry:
            raise RegisterError(f"{where}.consent: only consent purposes have a consent block")
        purposes.append(Purpose(
            key=key,
            name=_localized(entry["name"], f"{where}.name"),
            description=_localized(entry["description"], f"{where}.description"),
            legal_basis=entry["legal_basis"],
            subjects=tuple(subjects[s] for s in _refs(entry, "subjects", subjects, where)),
            data_categories=tuple(_refs(entry, "data_categories", categories, where)),
            recipients=tuple(recipients[r] for r in _refs(entry, "recipients", recipients, where)),
            consent=_consent(entry.get("consent"), where) if is_consent else None,
        ))
    if not purposes:
        raise RegisterError("[purposes] is missing")
    return Register(controller, source, rights, tuple(purposes), categories, legal_bases, subjects, recipients,
                    measures)


def register_text() -> bytes:
    return REGISTER_FILE.read_bytes()


@cache
def load() -> Register:
    return parse(tomllib.loads(register_text().decode("utf-8")))


def purposes() -> list[Purpose]:
    return list(load().purposes)


def purpose(key: str) -> Purpose:
    for item in load().purposes:
        if item.key == key:
            return item
    raise KeyError(key)


def consent_purposes() -> list[Purpose]:
    return [p for p in load().purposes if p.consent is not None]


def category(key: str) -> DataCategory:
    return load().categories[key]

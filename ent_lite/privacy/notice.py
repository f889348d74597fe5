"""The privacy notice and its version: a hash of the text the person reads.

A reader is shown a summary in five plain sentences and, one tap away, the full notice
(notice_shown.html). The version is the SHA-256 of the visible text of both together, rendered
in one language with the durations and settings in force, so the version a guardian accepts
proves which summary and which full text they were shown: whatever changes what a guardian
reads (a word of the summary, a sentence of the code, the register, a translation, a retention
override of the administrator, the DPO's contact) changes the version, and nothing else does. The guardian's ``privacy_notice_version``
and each consent record's ``notice_hash`` keep the version of the text they were shown, in
their language. A guardian has read the current notice while their version is the current
one in one of the languages, so switching language does not ask them again.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html.parser import HTMLParser

from flask import current_app, render_template
from flask_babel import force_locale

from ent_lite.privacy import register, retention

NOTICE_TEMPLATE = "privacy/notice_shown.html"  # the summary, then the full notice
# Rendered texts already hashed, by what they depend on beyond the code (see _inputs).
_VERSIONS: dict[tuple, str] = {}
_CACHE_LIMIT = 64


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(html: str) -> str:
    """The words of an HTML fragment, whitespace collapsed: markup alone is not the notice."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def notice_html(lang: str) -> str:
    """The summary and the full notice as a reader of ``lang`` sees them (no request needed)."""
    with force_locale(lang), register.texts_in(lang):
        return render_template(NOTICE_TEMPLATE)


def _inputs(lang: str) -> tuple:
    """What the rendered text depends on besides the code: the durations and the settings
    (any plain setting, so a setting a paragraph starts to show needs no list kept here)."""
    settings = tuple(sorted((name, repr(value)) for name, value in current_app.config.items()
                            if isinstance(value, str | int | float | bool) or value is None))
    return (lang, tuple(sorted(retention.all_days().items())), settings)


def current_notice_version(lang: str | None = None) -> str:
    """The version of the notice a reader of ``lang`` (default: the current language) sees now.

    Rendered and hashed once per set of inputs; a request then costs the overrides' query
    (once per request, see retention.overrides) and a dictionary lookup."""
    lang = lang or register.current_language()
    key = _inputs(lang)
    version = _VERSIONS.get(key)
    if version is None:
        version = hashlib.sha256(visible_text(notice_html(lang)).encode("utf-8")).hexdigest()[:16]
        if len(_VERSIONS) >= _CACHE_LIMIT:
            _VERSIONS.clear()
        _VERSIONS[key] = version
    return version


def clear_cache() -> None:
    """Forget the hashed texts (after the code's texts change, as tests do)."""
    _VERSIONS.clear()


def current_versions() -> set[str]:
    return {current_notice_version(lang) for lang in register.LANGUAGES}


def is_current(version: str | None) -> bool:
    """Whether ``version`` is the notice in force, in any language."""
    return bool(version) and version in current_versions()


def has_read_current_notice(user) -> bool:
    return is_current(user.privacy_notice_version)


@dataclass(frozen=True)
class NoticeRegister:
    """What the notice and the register of processing show: the register, the durations in
    force and the settings naming the DPO's contact and the hosting processor (None: unset)."""

    register: register.Register
    days: dict[str, int]
    dpo_contact: str | None = None
    hosting_provider: str | None = None
    hosting_location: str | None = None

    @property
    def purposes(self):
        return self.register.purposes

    def category_name(self, key: str) -> str:
        return str(self.register.categories[key].name)

    def retention_text(self, key: str, lang: str | None = None) -> str:
        return self.register.categories[key].retention.get(lang).replace("{days}", str(self.days[key]))

    def legal_basis(self, key: str, lang: str | None = None) -> str:
        return self.register.legal_bases[key].name.get(lang)


def notice_register() -> NoticeRegister:
    config = current_app.config
    return NoticeRegister(register.load(), retention.all_days(), config.get("DPO_CONTACT") or None,
                          config.get("HOSTING_PROVIDER") or None, config.get("HOSTING_LOCATION") or None)

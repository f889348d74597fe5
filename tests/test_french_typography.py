"""French typography and plain words, in the catalogue and on rendered pages.

Every new French string follows these rules, which this test holds it to:

- a non-breaking space before ``:`` (U+00A0) and before ``;``, ``!``, ``?`` (U+00A0 or the
  narrow U+202F), and inside « guillemets » (« U+00A0 … U+00A0 »);
- the curly apostrophe ’, never ``'``; « » for quotations, never ``"…"`` (HTML attributes
  aside);
- a label and its colon are one translated string ("%(child)s (%(group)s):" →
  "%(child)s (%(group)s) :"), never glued in a template after the translation;
- no elision before a name the code fills in ("Toute l’équipe : %(groups)s", not
  "Toute l’équipe de %(groups)s", which gives "de Accueil du soir").

Glossary for pages families read (staff pages may keep a precise term, explained once):

| avoid                                   | write                                                  |
|-----------------------------------------|--------------------------------------------------------|
| responsable légal, responsables légaux  | parent ou tuteur, parents ou tuteurs                   |
| responsable ayant l’autorité parentale  | parent ou tuteur légal (signs, authorises)             |
| DPO                                     | délégué à la protection des données (DPD)              |
| ent_lite (the software's name)          | the product name (``product_name``, "ENT de Valbrune") |
| la ville de %(city)s                    | la mairie de %(city)s / la Ville de %(city)s           |
| N familles counting children            | families (``school.households``), then children        |
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from ent_lite import TRANSLATIONS_DIR
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import services

NBSP = "\u00a0\u202f"
TAG = re.compile(r"<[^>]*>")
# A mark that needs a space before it: followed by a space, the end, or closing punctuation.
# "https://", "10:30" and "?page=2" are not prose and are left alone.
MARK = re.compile(r"(.)?([:;!?])(?=\s|$|[)»<])")
FORBIDDEN_WORDS = (re.compile(r"\bresponsables? léga(l|ux)\b", re.I), re.compile(r"\bDPO\b"))


def typography_problems(text: str) -> list[str]:
    prose = TAG.sub("", text)
    problems = []
    for match in MARK.finditer(prose):
        before = match.group(1)
        if before is None or before not in NBSP:
            problems.append(f"no non-breaking space before {match.group(2)!r} in …{prose[max(0, match.start() - 20):match.end() + 3]}…")
    if "'" in prose:
        problems.append("straight apostrophe ' (use ’)")
    if '"' in prose:
        problems.append('straight quotes "…" (use « … »)')
    if re.search(f"«[^{NBSP}]", prose) or re.search(f"[^{NBSP}]»", prose):
        problems.append("« » without non-breaking spaces inside")
    return problems


def french_strings():
    with (TRANSLATIONS_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for string in strings:
            if string:
                yield (message.id if isinstance(message.id, str) else message.id[0]), string


def test_the_checker_finds_each_mistake():
    assert typography_problems("Jules (GS): signé")
    assert typography_problems("l'équipe") and typography_problems('le dossier "data"')
    assert typography_problems("« data »") and typography_problems("Envoyé : oui")
    assert not typography_problems("«\u00a0data\u00a0»\u00a0: l’équipe\u202f; oui\u202f?")
    assert not typography_problems('<a href="https://example.org/x?y=1">lien</a> à 16 h 30')


def test_every_french_string_follows_french_typography():
    problems = [f"{msgid[:60]!r}: {', '.join(found)}"
                for msgid, string in french_strings() if (found := typography_problems(string))]
    assert not problems, f"{len(problems)} French strings break the typography rules:\n" + "\n".join(problems)


def test_french_strings_use_the_glossary():
    found = [f"{msgid[:60]!r}: {string[:80]!r}" for msgid, string in french_strings()
             if any(word.search(string) for word in FORBIDDEN_WORDS)]
    assert not found, "jargon in French strings (see the glossary above):\n" + "\n".join(found)


class _Text(HTMLParser):
    """The text a reader sees: no markup, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"[ \t\r\n]+", " ", "".join(parser.parts))


def page_problems(html: str) -> list[str]:
    text = visible_text(html)
    problems = [p for p in typography_problems(text) if "straight quotes" not in p]
    if "ent_lite" in text:
        problems.append("the software's name ent_lite instead of the product name")
    return problems


@pytest.fixture
def french(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return client


@pytest.fixture
def signature_post(world):
    """Class A's post asking for a signature, which the parents see with "Awa (CP A) :"."""
    post = services.create_post(world.teacher_a, "Sortie à la ferme", "Merci de signer.",
                                [keys.group_key(world.class_a.id)], utcnow(),
                                services.PostOptions(requires_ack=True))
    db.session.commit()
    return post


def test_pages_families_read_follow_french_typography(world, signature_post, login_as, french):
    pages = {"/login": french.get("/login").get_data(as_text=True)}
    parent = login_as(world.parent_a)
    for path in ("/news", f"/news/{signature_post.public_id}", "/notifications", "/account"):
        response = parent.get(path)
        assert response.status_code == 200, path
        pages[path] = response.get_data(as_text=True)
    assert "Awa (CP A)\u00a0:" in visible_text(pages[f"/news/{signature_post.public_id}"])
    problems = {path: found for path, html in pages.items() if (found := page_problems(html))}
    assert not problems, problems


def test_staff_pages_follow_french_typography(world, signature_post, login_as, french):
    director = login_as(world.director)
    pages = {}
    for path in (f"/news/{signature_post.public_id}/tracking", f"/school/classes/{world.class_a.public_id}/codes"):
        response = director.get(path)
        assert response.status_code == 200, path
        pages[path] = response.get_data(as_text=True)
    problems = {path: found for path, html in pages.items() if (found := page_problems(html))}
    assert not problems, problems

"""Post bodies: limited Markdown, then one nh3 allowlist (PRIVACY.md 29)."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from ent_lite.audience import keys
from ent_lite.posts.services import ALLOWED_TAGS, render_body


def test_markdown_subset_is_rendered():
    html = render_body("Bonjour *tout* le **monde**\nà jeudi\n\n- cahier\n- trousse\n\n1. un\n2. deux\n\n> citation")
    assert "<em>tout</em>" in html and "<strong>monde</strong>" in html
    assert "<br" in html  # a single line break is kept, as parents type it
    assert "<ul>" in html and "<ol>" in html and "<li>cahier</li>" in html
    assert "<blockquote>" in html


def test_links_get_safe_rel_and_only_web_or_mail_schemes():
    html = render_body("[Menu](https://ville.example/menu) et [écrire](mailto:ecole@example.org)")
    assert '<a href="https://ville.example/menu" rel="noopener noreferrer nofollow">Menu</a>' in html
    assert 'href="mailto:ecole@example.org"' in html
    relative = render_body("[admin](/admin)")
    assert "href" not in relative and "admin" in relative


def test_images_headings_and_code_stay_plain_text():
    html = render_body("![photo](https://x.example/p.png)\n\n# Titre\n\n    code\n\n`x`")
    for tag in ("<img", "<h1", "<pre", "<code"):
        assert tag not in html
    assert "Titre" in html


XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<svg><script>alert(1)</script></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](java&#x09;script:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[clic](vbscript:msgbox(1))",
    "<https://ok.example/\" onmouseover=\"alert(1)>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="position:fixed">overlay</div>',
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<object data="https://evil.example/x.swf"></object><embed src="x">',
    '<form action="https://evil.example"><input name=p></form>',
    "<style>body{display:none}</style>",
    '<body onload="alert(1)">',
    "<!-- <script>alert(1)</script> -->",
    '*<img src=x onerror=alert(1)>*',
    '[x](https://ok.example "title\\" onmouseover=\\"alert(1)")',
]


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML (text is ignored)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements_of(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


@pytest.mark.parametrize("source", XSS_CORPUS)
def test_xss_corpus_leaves_no_script_event_or_dangerous_url(source):
    for tag, attrs in elements_of(render_body(source)):
        assert tag in ALLOWED_TAGS, tag
        assert not [name for name in attrs if name.startswith("on") or name == "style"], attrs
        assert set(attrs) <= ({"href", "rel"} if tag == "a" else set()), attrs
        href = (attrs.get("href") or "").strip().lower()
        assert not href or href.startswith(("https://", "http://", "mailto:")), href


def test_the_xss_check_would_catch_raw_html():
    """The check above is not vacuous: unsanitised HTML fails it."""
    tags = {tag for tag, _ in elements_of(XSS_CORPUS[0] + XSS_CORPUS[2])}
    assert {"script", "img"} <= tags


def test_stored_post_is_sanitised_once_at_write_time(world, make_post):
    post = make_post(world.teacher_a, [keys.group_key(world.class_a.id)],
                     body='Hello <script>alert(1)</script> [x](javascript:alert(1))')
    elements = elements_of(post.body_html)
    assert {tag for tag, _ in elements} == {"p"}  # the refused link stays as plain text
    assert post.body_markdown.startswith("Hello <script>")  # what was typed is kept for editing


def test_post_page_serves_the_sanitised_body(world, make_post, login_as):
    post = make_post(world.teacher_a, [keys.group_key(world.class_a.id)],
                     body='<img src=x onerror="alert(1)"> **bold**')
    page = login_as(world.parent_a).get(f"/news/{post.public_id}").get_data(as_text=True)
    assert "<strong>bold</strong>" in page
    body = page.split('<div class="post-body">')[1].split("</div>")[0]
    assert "img" not in {tag for tag, _ in elements_of(body)}

"""A post's body: limited Markdown, then ONE sanitiser allowlist (PRIVACY.md 29)."""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote"}
# "*" empty: without it nh3 keeps its generic attributes (lang, title) on every tag.
ALLOWED_ATTRIBUTES = {"a": {"href"}, "*": set()}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
MAX_TITLE_LENGTH = 200
MAX_BODY_LENGTH = 20_000

# Raw HTML is escaped by the parser; constructs outside the allowlist are switched off so
# they stay as typed instead of losing their text (no images, headings or code blocks).
_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable(
    ["image", "heading", "lheading", "code", "fence", "hr", "html_block", "html_inline", "backticks"],
    ignoreInvalid=True,
)


def render_body(markdown_text: str) -> str:
    """Markdown (paragraphs, emphasis, lists, links, line breaks, quotes) to safe HTML."""
    return nh3.clean(
        _markdown.render(markdown_text or ""),
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()

"""Markdown for case descriptions: rendered with Python-Markdown, then cleaned by nh3's allow-list."""

from __future__ import annotations

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(source: str) -> Markup:
    """Safe HTML for a Markdown text: no scripts, no event handlers, only http(s) and mailto-free links.

    Python-Markdown does not sanitise, and unsafe HTML can be produced from Markdown syntax alone
    (a javascript: link), so the *output* is cleaned, never the input.
    """
    html = markdown.markdown(source or "", extensions=["tables", "sane_lists"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
        # the text inside <script> or <style> is dropped, not shown as text
        clean_content_tags={"script", "style"},
    )
    return Markup(cleaned)

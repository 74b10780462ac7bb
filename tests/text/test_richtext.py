"""Markdown for case texts renders real formatting and never lets scripts through."""

from __future__ import annotations

import pytest

from facilitation.text.markdown import render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<p style="background:url(javascript:alert(1))" onclick="x()">hi</p>',
    "![x](javascript:alert(1))",
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("source", ATTACKS)
def test_scripts_handlers_and_dangerous_links_are_removed(source):
    html = str(render_markdown(source)).lower()
    assert "<script" not in html and "javascript:" not in html and "vbscript:" not in html
    assert "data:" not in html and "onerror" not in html and "onload" not in html and "onclick" not in html
    assert "<iframe" not in html and "<svg" not in html and "style=" not in html


def test_markdown_formatting_survives():
    html = str(render_markdown("## Kop\n\n- **vet** en *schuin*\n- [site](https://example.org)\n\n1. een"))
    assert "<h2>Kop</h2>" in html and "<strong>vet</strong>" in html and "<em>schuin</em>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">site</a>' in html and "<ol>" in html


def test_empty_and_odd_input_renders_without_error():
    assert str(render_markdown("")) == ""
    assert str(render_markdown(None)) == ""
    render_markdown("<" * 10_000 + "\x00" + "&#0;")

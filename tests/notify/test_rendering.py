"""The one notice format and its two renderings (notify/rendering.py): safe HTML and clean plain text.

A notice must be readable by the controller it informs (GDPR Art. 33(3) content; Art. 12(1) "concise,
transparent, intelligible"): headings and lists as such, not as raw markers, and nothing in a filled-in
value can become markup.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from art28.notify.rendering import parse, to_html, to_plain

NOTICE = """Dear {name},

Example Hosting processes personal data on your behalf.

== What happened ==
A backup tape was lost.
Details: https://art28.example/portal/inbox/?a=1&b=2.

== Nature of the breach ==
- Confidentiality
- Availability
=== Figures ===
Approximate number of data subjects concerned: 1'350
"""


def test_headings_lists_and_paragraphs_become_html():
    html = to_html(NOTICE.format(name="Acme"))
    assert "<h2>What happened</h2>" in html
    assert "<h2>Nature of the breach</h2>" in html
    assert "<h3>Figures</h3>" in html
    assert "<ul><li>Confidentiality</li><li>Availability</li></ul>" in html
    assert "<p>A backup tape was lost.<br>Details: " in html
    assert "==" not in html


def test_a_script_in_a_placeholder_value_is_escaped_never_markup():
    html = to_html(NOTICE.format(name='<script>alert("x")</script> & <b onclick=1>'))
    assert "<script>" not in html and "<b " not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b onclick=1&gt;" in html


def test_only_http_and_https_urls_become_links_and_trailing_punctuation_stays_outside():
    html = to_html("See https://art28.example/a?b=1&c=2. Or javascript:alert(1) or ftp://x.example/f")
    assert '<a href="https://art28.example/a?b=1&amp;c=2" rel="noopener noreferrer">' in html
    assert "</a>. Or javascript:alert(1) or ftp://x.example/f" in html
    assert html.count("<a ") == 1


def test_a_url_cannot_break_out_of_its_attribute():
    html = to_html('https://x.example/"onmouseover="alert(1)')
    assert 'href="https://x.example/"' in html
    assert "onmouseover=&quot;" in html or "&quot;onmouseover" in html


def test_plain_text_has_no_markers_and_underlines_headings():
    text = to_plain(NOTICE.format(name="Acme"))
    assert "==" not in text
    assert "What happened\n-------------\nA backup tape was lost." in text
    assert "- Confidentiality\n- Availability" in text
    assert text.startswith("Dear Acme,\n\nExample Hosting")


def test_text_without_structure_stays_as_written():
    assert to_plain("Hello,\nthank you.\n") == "Hello,\nthank you.\n"
    assert to_html("Hello,\nthank you.") == "<p>Hello,<br>thank you.</p>"


def test_inline_styles_for_e_mail():
    html = to_html("== A ==\n- b", styles={"h2": "font-size:18px", "li": "margin:0"})
    assert '<h2 style="font-size:18px">A</h2>' in html and '<li style="margin:0">b</li>' in html


@given(st.text())
def test_no_text_whatever_yields_a_tag_of_its_own(text):
    html = to_html(text)
    allowed = {"h2", "h3", "ul", "li", "p", "br", "a", "/h2", "/h3", "/ul", "/li", "/p", "/a"}
    assert {m.group(1) for m in re.finditer(r"<(/?[a-z0-9]+)", html)} <= allowed
    assert len(parse(text)) <= len(re.split(r"\r\n|\r|\n", text))

"""The policy diff as a redline of the formatted text (issue 11 item 7; GDPR Art. 28(9)): changes marked
inside their own heading, paragraph, list item and table cell; everything escaped; the latest two
versions by default; one version only is an empty state; the language links keep ``?from=&to=``."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from art28.legal.models import DocumentKind
from art28.legal.redline import blocks_of, redline
from tests.legal.conftest import new_document, publish
from tests.legal.test_staff_and_api import _api

OLD = """# Data protection policy

## Retention

We keep tickets for five years.

A paragraph that goes away.

- names
- e-mail addresses
- phone numbers

Closing words.
"""
NEW = """# Data protection policy

## Storage period

We keep support tickets for five years.

- names
- postal addresses
- phone numbers

Closing words.
"""
INSERTED = '<ins><span class="visually-hidden">inserted: </span>'
DELETED = '<del><span class="visually-hidden">deleted: </span>'


def test_the_redline_marks_each_change_inside_its_formatted_element():
    html = str(redline(OLD, NEW).html)
    assert f"<p>We keep {INSERTED}support </ins>tickets for five years.</p>" in html
    assert f'<p class="redline-delete">{DELETED}A paragraph that goes away.</del></p>' in html
    assert f"<li>{DELETED}e-mail </del>{INSERTED}postal </ins>addresses</li>" in html
    assert f"<h2>{DELETED}Retention</del>{INSERTED}Storage period</ins></h2>" in html
    assert "<h1>Data protection policy</h1>" in html and "<p>Closing words.</p>" in html
    assert html.count("<ul>") == 1 and html.count("<li>") == 3  # one list, its items kept together


def test_the_front_matter_and_clause_markers_are_not_text():
    old = "---\nauthorisation: general\n---\n{clause:28-3-a} Only on instructions.\n"
    html = str(redline(old, "{clause:28-3-a} Only on documented instructions.\n").html)
    assert html == f"<p>Only on {INSERTED}documented </ins>instructions.</p>"


def test_the_redline_counts_blocks_inserted_deleted_and_changed():
    assert redline(OLD, NEW).stats == {"insert": 0, "delete": 1, "change": 3}
    assert not redline(NEW, NEW).changed


def test_a_deleted_list_item_stays_in_its_list_and_keeps_inline_formatting():
    html = str(redline("- **a** [b](https://b.example)\n- c\n- d\n", "- **a** [b](https://b.example)\n- d\n").html)
    assert html == (
        f'<ul><li><strong>a</strong> <a href="https://b.example">b</a></li><li>{DELETED}c</del></li><li>d</li></ul>'
    )


def test_the_redline_never_lets_a_document_inject_html():
    old = "Hello.\n"
    new = (
        'Hello <b onclick="x()">there</b>.\n\n<script>alert("x")</script>\n\n'
        '[click](javascript:alert(1)) [ok](https://ok.example/?a="><script>)\n\n'
        "```\n</code></pre><script>alert(2)</script>\n```\n\n| <img src=x onerror=y> |\n|---|\n| <i>c</i> |\n"
    )
    html = str(redline(old, new).html)
    for forbidden in ("<script", "<b ", "<img", "<i>", 'href="javascript', "onerror=y>", '"><script>'):
        assert forbidden not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;/code&gt;&lt;/pre&gt;" in html
    assert 'href="https://ok.example/?a=%22%3E%3Cscript%3E"' in html
    # Whatever the text, the markup is only the renderer's own elements and the redline's.
    tags = set(re.findall(r"</?([a-z0-9]+)", html))
    assert tags <= {"p", "ins", "del", "span", "a", "pre", "code", "table", "thead", "tbody", "tr", "th", "td"}


def test_a_long_document_is_compared_block_by_block():
    old = "\n\n".join(f"Paragraph {n} of the policy, with some words." for n in range(2000))
    new = old.replace("Paragraph 1000 of", "Paragraph 1000 (amended) of").replace("Paragraph 1500 of the policy, ", "")
    assert len(blocks_of(old)) == 2000
    marked = redline(old, new)
    assert marked.stats == {"insert": 0, "delete": 0, "change": 2}
    assert f"Paragraph 1000 {INSERTED}(amended) </ins>of" in str(marked.html)


# The pages ----------------------------------------------------------------------------------------------


@pytest.fixture
def privacy(db):
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    publish(document, "# Policy\n\nVersion one.\n")
    publish(document, OLD)
    publish(document, NEW, summary="Shorter retention words.")
    return document


@pytest.mark.django_db
def test_without_from_and_to_the_diff_shows_the_latest_two_versions(client: Client, privacy):
    response = client.get("/en/trust/policies/privacy/diff/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "from version 2 to version 3" in html
    assert f"<li>{DELETED}e-mail </del>{INSERTED}postal </ins>addresses</li>" in html
    assert "Inserted text" in html and "is underlined in green" in html  # the legend


@pytest.mark.django_db
def test_the_source_view_keeps_the_line_diff_for_auditors(client: Client, privacy):
    html = client.get("/en/trust/policies/privacy/diff/?from=2&to=3&view=source").content.decode()
    assert "Text (Markdown)" in html and "## <del>Retention</del><ins>Storage period</ins>" in html
    redline_html = client.get("/en/trust/policies/privacy/diff/?from=2&to=3").content.decode()
    assert "Text (Markdown)" not in redline_html
    assert 'href="?from=2&amp;to=3&amp;view=source"' in redline_html


@pytest.mark.django_db
def test_a_document_with_one_version_shows_an_empty_state(client: Client):
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    publish(document, "# Policy\n")
    response = client.get("/fr/trust/policies/privacy/diff/")
    assert response.status_code == 200
    assert 'href="/fr/trust/policies/privacy/v1/"' in response.content.decode()
    english = client.get("/en/trust/policies/privacy/diff/").content.decode()
    assert "only one published version (version 1)" in english


def _language_link(html: str, code: str) -> str:
    [href] = re.findall(rf'<a href="([^"]+)" hreflang="{code}"', html)
    return href.replace("&amp;", "&")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["?from=1&to=3", "?from=2&to=3&view=source", "?from=1&to=2&view=source&full=1"])
def test_the_language_links_of_a_diff_page_keep_the_query(client: Client, privacy, query):
    html = client.get(f"/en/trust/policies/privacy/diff/{query}").content.decode()
    french = _language_link(html, "fr")
    assert french == f"/fr/trust/policies/privacy/diff/{query}"
    response = client.get(french, follow=True)
    assert response.status_code == 200 and response.headers["Content-Language"] == "fr"
    assert urlsplit(response.request["PATH_INFO"]).path == "/fr/trust/policies/privacy/diff/"
    assert response.request["QUERY_STRING"] == query[1:]


@pytest.mark.django_db
def test_the_language_form_keeps_the_query_of_the_page(client: Client, privacy):
    """The set_language form of the other pages posts the full path as ``next``; Django redirects to it."""
    next_url = "/trust/policies/privacy/diff/?from=1&to=3"
    response = client.post("/i18n/setlang/", {"language": "fr", "next": next_url}, follow=True)
    assert response.redirect_chain == [(next_url, 302)]
    assert response.status_code == 200 and response.headers["Content-Language"] == "fr"
    assert response.request["QUERY_STRING"] == "from=1&to=3"


# The API ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_diff_defaults_to_the_latest_two_and_carries_the_redline(privacy, customer_a):
    api = _api(customer_a)
    latest = api.get("/api/v1/legal/documents/privacy/diff").json()
    assert (latest["from_version"], latest["to_version"]) == (2, 3)
    assert f"<li>{DELETED}e-mail </del>{INSERTED}postal </ins>addresses</li>" in latest["redline"]
    assert api.get("/api/v1/legal/documents/privacy/diff?from=1&to=3").json()["from_version"] == 1
    half = api.get("/api/v1/legal/documents/privacy/diff?from=1")
    assert half.status_code == 422 and "name both versions" in half.json()["detail"]


@pytest.mark.django_db
def test_the_api_diff_of_a_document_with_one_version_says_there_is_nothing_to_compare(customer_a):
    publish(new_document("privacy", DocumentKind.DATA_PROTECTION), "# Policy\n")
    response = _api(customer_a).get("/api/v1/legal/documents/privacy/diff")
    assert response.status_code == 422 and "nothing to compare" in response.json()["detail"]


def test_a_paragraph_inserted_before_a_changed_one_is_an_insertion_not_a_rewrite():
    old = "We keep tickets for five years.\n"
    new = "A new first paragraph about something else.\n\nWe keep tickets for two years.\n"
    html = str(redline(old, new).html)
    assert html == (
        f'<p class="redline-insert">{INSERTED}A new first paragraph about something else.</ins></p>'
        f"<p>We keep tickets for {DELETED}five </del>{INSERTED}two </ins>years.</p>"
    )

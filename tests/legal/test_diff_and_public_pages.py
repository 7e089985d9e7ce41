"""The public policy pages on the trust center (S8, S10): list, version in force, any version, history,
upcoming versions, the diff (escaped: a <script> in a document never reaches the page), drafts never
public, and the cache invalidated on publication."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from art28.legal.diff import diff_lines
from art28.legal.models import DocumentKind
from art28.legal.services import version_draft
from tests.conftest import TEST_ACTOR
from tests.legal.conftest import new_document, publish, today

pytestmark = pytest.mark.django_db
OLD = "# Policy\n\nWe keep tickets for 5 years.\nUnchanged line.\nRemoved line.\n"
NEW = "# Policy\n\nWe keep tickets for 2 years.\nUnchanged line.\nAdded line.\nAnother added line.\n"


def test_the_diff_is_by_line_and_within_changed_lines_by_word():
    lines = diff_lines(OLD, NEW)
    ops = [(line.op, line.old_number, line.new_number) for line in lines]
    assert ops == [
        ("equal", 1, 1),
        ("equal", 2, 2),
        ("change", 3, 3),
        ("equal", 4, 4),
        ("change", 5, 5),
        ("insert", None, 6),
    ]
    assert str(lines[2].html) == "We keep tickets for <del>5</del><ins>2</ins> years."
    assert str(lines[5].html) == "<ins>Another added line.</ins>"


def test_the_diff_escapes_markup():
    [line] = [line for line in diff_lines("a\n", "<script>alert(1)</script>\n") if line.op != "equal"]
    assert "<script>" not in str(line.html) and "&lt;script&gt;" in str(line.html)


@pytest.fixture
def privacy():
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    publish(document, OLD)
    publish(document, NEW, summary="Tickets kept 2 years.")
    publish(document, NEW + "\nFuture clause.\n", on=today() + dt.timedelta(days=20), summary="Future.")
    version_draft(actor=TEST_ACTOR, document=document, body="# SECRET DRAFT")
    return document


def test_the_list_shows_each_document_with_its_version_in_force_and_upcoming(client: Client, privacy):
    html = client.get("/en/trust/policies/").content.decode()
    assert 'href="/en/trust/policies/privacy/"' in html
    assert "version 2, in force since" in html
    assert "version 3 upcoming, effective on" in html
    index = client.get("/en/trust/").content.decode()
    assert 'href="/en/trust/policies/privacy/"' in index  # the index lists the real documents


def test_the_document_page_shows_the_version_in_force_with_its_date_and_number(client: Client, privacy):
    response = client.get("/trust/policies/privacy/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "We keep tickets for 2 years." in html and "<h1>Policy</h1>" in html
    assert "<dd>2</dd>" in html and today().strftime("%Y") in html
    assert "is upcoming, effective on" in html
    assert "SECRET DRAFT" not in html


def test_any_published_version_by_number_and_drafts_are_never_public(client: Client, privacy):
    old = client.get("/fr/trust/policies/privacy/v1/")
    assert old.status_code == 200 and "5 years" in old.content.decode()
    assert client.get("/en/trust/policies/privacy/v4/").status_code == 404  # the draft
    assert client.get("/en/trust/policies/privacy/v9/").status_code == 404
    assert client.get("/en/trust/policies/nothing/").status_code == 404


def test_the_history_lists_every_published_version_with_date_and_summary(client: Client, privacy):
    html = client.get("/en/trust/policies/privacy/history/").content.decode()
    assert "Tickets kept 2 years." in html and "Future." in html
    assert 'href="/en/trust/policies/privacy/v3/"' in html and "/v4/" not in html
    assert "diff/?from=1&amp;to=2" in html


def test_the_source_view_of_the_diff_page_shows_ins_and_del_by_line(client: Client, privacy):
    response = client.get("/en/trust/policies/privacy/diff/?from=1&to=2&view=source")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>5</del><ins>2</ins>" in html
    assert "<ins>Another added line.</ins>" in html
    assert "1 added, 0 removed, 2 changed" in html


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("?from=1", 400, "the &#x27;from&#x27; and &#x27;to&#x27; parameters"),
        ("?from=a&to=2", 400, "the &#x27;from&#x27; and &#x27;to&#x27; parameters"),
        ("?from=2&to=2", 400, "name the same version"),
        ("?from=1&to=4", 404, "Privacy has no published version 4."),  # the draft
        ("?from=98&to=99", 404, "Privacy has no published version 98."),
    ],
)
def test_bad_or_unknown_versions_in_a_diff(client: Client, privacy, query, status, message):
    response = client.get(f"/en/trust/policies/privacy/diff/{query}")
    assert response.status_code == status
    html = response.content.decode()
    assert message in html and "This comparison cannot be shown" in html
    assert 'href="/en/trust/policies/privacy/diff/"' in html  # the way to the latest changes


def test_a_script_in_markdown_never_reaches_the_page(client: Client):
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    publish(document, "# Hi\n")
    publish(document, "# Hi\n\n<script>alert('x')</script>\n[click](javascript:alert(1))\n")
    for path in (
        "/en/trust/policies/privacy/",
        "/en/trust/policies/privacy/diff/?from=1&to=2",
        "/en/trust/policies/privacy/diff/?from=1&to=2&view=source",
    ):
        html = client.get(path).content.decode()
        assert "<script>alert" not in html and 'href="javascript' not in html
        assert "&lt;script&gt;" in html


def test_the_cached_page_is_invalidated_on_publish(
    client: Client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    publish(document, "# First text\n")
    assert "First text" in client.get("/en/trust/policies/privacy/").content.decode()
    assert "version 1, in force" in client.get("/en/trust/").content.decode()
    with django_assert_num_queries(0):  # served from the cache
        assert "First text" in client.get("/en/trust/policies/privacy/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publish(document, "# Second text\n")
    assert "Second text" in client.get("/en/trust/policies/privacy/").content.decode()
    assert "version 2, in force" in client.get("/en/trust/").content.decode()


def test_the_policy_list_costs_a_fixed_number_of_queries(client: Client, django_assert_max_num_queries):
    for slug, kind in [("terms", "terms"), ("privacy", "data-protection"), ("cookies", "cookies"), ("toms", "toms")]:
        document = new_document(slug, kind)
        for n in range(3):
            publish(document, f"# {slug} v{n}\n")
    with django_assert_max_num_queries(4):
        assert client.get("/en/trust/policies/").status_code == 200


def test_the_diff_page_shows_the_changes_in_context_or_the_whole_text(client: Client):
    document = new_document("privacy", DocumentKind.DATA_PROTECTION)
    body = "".join(f"Line {n}.\n" for n in range(1, 21))
    publish(document, body)
    publish(document, body.replace("Line 10.", "Line ten."))
    short = client.get("/en/trust/policies/privacy/diff/?from=1&to=2&view=source").content.decode()
    assert "Line <del>10.</del><ins>ten.</ins>" in short
    assert "7 unchanged lines" in short and "8 unchanged lines" in short and "Line 3." not in short
    whole = client.get("/en/trust/policies/privacy/diff/?from=1&to=2&view=source&full=1").content.decode()
    assert "Line 3." in whole and "unchanged lines" not in whole

"""The DPA must cover GDPR Art. 28(3) (and nFADP Art. 9): clause markers ``{clause:ID}`` in the Markdown,
checked at publication against ``legal.clauses.REQUIRED_CLAUSES``; the front matter that says what
accepting a DPA version authorises (Art. 28(2)), validated when a draft is saved, never shown as text.

The old code published any DPA text, however short, and had no front matter: these tests fail on it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from art28.core.models import AuditEntry
from art28.core.services import api_token_create
from art28.demo.legal import _text as demo_text
from art28.legal.clauses import REQUIRED_CLAUSES, authorisation_grant, clause_checklist, missing_clauses, source_errors
from art28.legal.models import DocumentKind, DocumentVersion, VersionStatus
from art28.legal.services import version_draft, version_publish, version_update
from art28.legal.source import render_document
from tests.conftest import TEST_ACTOR
from tests.legal.conftest import new_document, publish, today
from tests.legal.dpa_text import dpa_text

pytestmark = pytest.mark.django_db


def _draft(body: str, kind: str = DocumentKind.DPA) -> DocumentVersion:
    slug = {DocumentKind.DPA: "dpa", DocumentKind.TERMS: "terms"}[kind]
    return version_draft(actor=TEST_ACTOR, document=new_document(slug, kind), body=body)


def test_art28_3_the_demo_dpa_has_every_required_clause_and_publishes():
    body = demo_text("dpa")
    assert source_errors(body, DocumentKind.DPA) == []
    assert missing_clauses(body) == []
    assert all(check.present for check in clause_checklist(body))
    assert authorisation_grant(body) is not None  # accepting it authorises sub-processors (Art. 28(2))
    version = publish(new_document("dpa", DocumentKind.DPA), body)
    assert version.status == VersionStatus.PUBLISHED


def test_the_required_clauses_cover_art28_3_and_its_second_subparagraph():
    articles = {clause.article for clause in REQUIRED_CLAUSES}
    for letter in "abcdefgh":
        assert any(f"Art. 28(3)({letter})" in article for article in articles), letter
    assert "GDPR Art. 28(3), second subparagraph" in articles
    ids = [clause.id for clause in REQUIRED_CLAUSES]
    assert len(ids) == len(set(ids))
    assert {"28-3-controller", "28-3-data-subjects", "28-3-subject-duration"} <= set(ids)
    assert "nFADP Art. 9(3)" in next(c for c in REQUIRED_CLAUSES if c.id == "28-3-d").swiss


@pytest.mark.parametrize("clause", REQUIRED_CLAUSES, ids=lambda clause: clause.id)
def test_art28_3_publishing_a_dpa_without_a_clause_is_refused_naming_it(clause):
    version = _draft(dpa_text(leave_out=clause.id))
    with pytest.raises(ValidationError) as refused:
        version_publish(actor=TEST_ACTOR, version=version, effective_on=today())
    messages = refused.value.message_dict["body"]
    assert len(messages) == 1
    assert clause.article in messages[0] and str(clause.title) in messages[0] and clause.marker in messages[0]
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT  # nothing changed
    assert not AuditEntry.objects.filter(action="legal.version.publish").exists()


def test_a_marker_in_the_middle_of_a_paragraph_or_in_code_does_not_count():
    body = dpa_text(leave_out="28-3-h")
    body += "\nAudits are allowed as in {clause:28-3-h}.\n\n    {clause:28-3-h} in a code block\n"
    assert [c.id for c in missing_clauses(body)] == ["28-3-h"]
    assert any("is not a clause marker" in e and "line" in e for e in source_errors(body, DocumentKind.DPA))


def test_a_non_dpa_document_is_not_checked_for_clauses():
    version = _draft("# Terms\n\nNo clause marker at all.\n", DocumentKind.TERMS)
    assert version_publish(actor=TEST_ACTOR, version=version, effective_on=today()).status == "published"


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ("authorisation: general\nnotice_days: 3O", "line 3: notice_days: '3O' is not a whole number of days"),
        ("authorisation: general\nnotice_days: 400", "line 3: notice_days: a notice period is between 1 and 365"),
        ("authorisation: maybe", "line 2: authorisation: 'maybe' is neither general nor specific"),
        ("authorisation: general", "line 2: authorisation: general needs notice_days"),
        ("notice_days: 30", "line 2: notice_days: given without an authorisation"),
        ("authorisation: general\nnotice_days: 30\nlanguage: de", "line 4: language: unknown front matter key"),
        ("authorisation general", "line 2: expected 'key: value'"),
        ("authorisation: general\nauthorisation: specific\nnotice_days: 9", "line 3: authorisation: given twice"),
    ],
)
def test_bad_front_matter_is_refused_at_draft_save_naming_the_line_and_key(front_matter, expected):
    with pytest.raises(ValidationError) as refused:
        _draft(dpa_text(front_matter))
    assert any(message.startswith(expected) for message in refused.value.message_dict["body"]), refused.value
    assert not DocumentVersion.objects.exists()


def test_an_unclosed_front_matter_and_an_unknown_marker_are_refused():
    document = new_document("dpa", DocumentKind.DPA)
    with pytest.raises(ValidationError, match="line 1: the front matter opened here is never closed"):
        version_draft(actor=TEST_ACTOR, document=document, body="---\nauthorisation: general\n# DPA\n")
    with pytest.raises(ValidationError, match=r"line \d+: \{clause:28-3-z\} is not a clause of the checklist"):
        version_draft(actor=TEST_ACTOR, document=document, body=dpa_text(extra="\n{clause:28-3-z} A typo.\n"))


def test_bad_front_matter_is_refused_when_a_draft_is_edited_too():
    version = _draft(dpa_text())
    with pytest.raises(ValidationError, match="authorisation: 'all' is neither"):
        version_update(actor=TEST_ACTOR, version=version, body=dpa_text("authorisation: all"))
    version.refresh_from_db()
    assert version.body == dpa_text()


def test_only_the_dpa_has_front_matter_keys():
    with pytest.raises(ValidationError, match="line 2: authorisation: unknown front matter key"):
        _draft("---\nauthorisation: general\n---\n# Terms\n", DocumentKind.TERMS)


def test_the_front_matter_and_the_markers_are_never_shown_as_text(client):
    body = dpa_text(extra="\n## {clause:28-3-h} Audits\n")
    version = publish(new_document("dpa", DocumentKind.DPA), body)
    html = str(render_document(version.body))
    assert "{clause:" not in html and "notice_days" not in html and "authorisation: general" not in html
    assert "<h2>Audits</h2>" in html and "The parties agree on the" in html
    page = client.get("/trust/policies/dpa/").content.decode()
    assert "{clause:" not in page and "notice_days" not in page and "Audits" in page


def test_a_specific_authorisation_without_notice_days_gets_the_providers_minimum():
    grant = authorisation_grant(dpa_text("authorisation: specific"))
    assert grant is not None and (grant.authorisation, grant.notice_days) == ("specific", 30)
    assert authorisation_grant(dpa_text("")) is None


def test_staff_see_the_checklist_and_the_front_matter_and_publishing_errors_on_the_page(dpo_client):
    version = _draft(dpa_text(leave_out="28-3-g"))
    page = dpo_client.get(f"/staff/legal/dpa/v{version.number}/")
    html = page.content.decode()
    assert "GDPR Art. 28(3) checklist" in html and "{clause:28-3-g}" in html
    assert [c.clause.id for c in page.context["checklist"] if not c.present] == ["28-3-g"]
    assert page.context["front_matter"] == {"authorisation": "general", "notice_days": "30"}
    assert "general authorisation" in html
    response = dpo_client.post(f"/staff/legal/dpa/v{version.number}/publish/", {"effective_on": today()})
    assert response.status_code == 400
    assert "GDPR Art. 28(3)(g)" in response.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_the_api_refuses_publication_with_a_422_naming_the_clause_and_shows_the_checklist(dpo_user):
    _, secret = api_token_create(actor=TEST_ACTOR, user=dpo_user, name="t")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    version = _draft(dpa_text(leave_out="28-3-infringing-instruction"))
    url = f"/api/v1/legal/documents/dpa/versions/{version.number}"
    response = api.post(f"{url}/publish", {"effective_on": today().isoformat()}, content_type="application/json")
    assert response.status_code == 422 and "second subparagraph" in response.content.decode()
    body = api.get(url).json()
    assert body["grants"] == {"authorisation": "general", "notice_days": 30}
    assert [c["id"] for c in body["clauses"] if not c["present"]] == ["28-3-infringing-instruction"]
    bad = api.post(
        "/api/v1/legal/documents/dpa/versions",
        {"body": dpa_text("authorisation: maybe")},
        content_type="application/json",
    )
    assert bad.status_code in (409, 422) and "authorisation" in bad.content.decode()

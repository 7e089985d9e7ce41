"""Staff pages /staff/legal/ and the staff side of /api/v1/legal/ (S8): every staff role reads, the DPO
and administrators write, customers get 403; errors are shown on the page and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.core.services import api_token_create
from art28.legal.models import DocumentKind, DocumentVersion, VersionStatus
from tests.conftest import TEST_ACTOR, logged_in
from tests.legal.conftest import accept, new_document, publish, today

pytestmark = pytest.mark.django_db
BASE = "/staff/legal/"


@pytest.fixture
def terms():
    document = new_document("terms", DocumentKind.TERMS)
    publish(document, "# Terms v1\n")
    return document


def read_pages() -> list[str]:
    return [
        BASE,
        f"{BASE}terms/",
        f"{BASE}terms/v1/",
        f"{BASE}terms/acceptances/",
        f"{BASE}cookies/",
        f"{BASE}consents/",
    ]


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.AUDITOR, Role.SECURITY, Role.DPO, Role.ADMIN])
def test_every_staff_role_reads(make_user, terms, role):
    client = logged_in(make_user(f"{role}@provider.example", role))
    for path in read_pages():
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.AUDITOR])
def test_read_only_roles_cannot_write(make_user, terms, role):
    client = logged_in(make_user(f"{role}@provider.example", role))
    for path, data in [
        (f"{BASE}new/", {"slug": "x"}),
        (f"{BASE}terms/versions/", {"body": "# v2"}),
        (f"{BASE}terms/v1/publish/", {"effective_on": str(today())}),
        (f"{BASE}terms/v1/discard/", {}),
    ]:
        assert client.post(path, data).status_code == 403, path
    assert DocumentVersion.objects.count() == 1


def test_the_dpo_creates_drafts_previews_and_publishes(dpo_client):
    response = dpo_client.post(
        f"{BASE}new/", {"slug": "privacy", "kind": "data-protection", "title": "Privacy", "position": 0}
    )
    assert response.status_code == 302
    response = dpo_client.post(f"{BASE}privacy/versions/", {"body": "# Hello\n\n<b>bold</b>", "change_summary": ""})
    assert response["Location"] == f"{BASE}privacy/v1/"
    preview = dpo_client.get(f"{BASE}privacy/v1/").content.decode()
    assert "<h1>Hello</h1>" in preview and "&lt;b&gt;bold&lt;/b&gt;" in preview
    assert dpo_client.post(f"{BASE}privacy/v1/edit/", {"body": "# Hello again"}).status_code == 302
    assert dpo_client.post(f"{BASE}privacy/v1/publish/", {"effective_on": str(today())}).status_code == 302
    version = DocumentVersion.objects.get()
    assert version.status == VersionStatus.PUBLISHED and version.body == "# Hello again"
    assert list(AuditEntry.objects.filter(action__startswith="legal.").values_list("action", flat=True)) == [
        "legal.document.create",
        "legal.version.draft",
        "legal.version.update",
        "legal.version.publish",
    ]


def test_a_publication_error_is_shown_on_the_page_and_changes_nothing(dpo_client, terms, customer_a):
    accept(customer_a, terms.versions.get(number=1))
    dpo_client.post(f"{BASE}terms/versions/", {"body": "# Terms v2"})
    response = dpo_client.post(f"{BASE}terms/v2/publish/", {"effective_on": str(today() + dt.timedelta(days=3))})
    assert response.status_code == 400
    assert "30 days" in response.content.decode()
    assert DocumentVersion.objects.get(number=2).status == VersionStatus.DRAFT
    bad = dpo_client.post(f"{BASE}terms/v2/publish/", {"effective_on": "not a date"})
    assert bad.status_code == 400 and "Enter a valid date" in bad.content.decode()


def test_the_acceptance_report_names_who_accepted_and_who_has_not(
    dpo_client, terms, customer_a, make_org, django_assert_max_num_queries
):
    accept(customer_a, terms.versions.get(number=1))
    for n in range(30):
        make_org(f"C{n:03}")
    with django_assert_max_num_queries(12):
        html = dpo_client.get(f"{BASE}terms/acceptances/").content.decode()
    assert "alice@acme.example" in html
    assert "30 customers have not accepted version 1" in html and "C000" in html


def test_the_document_list_costs_a_fixed_number_of_queries(dpo_client, django_assert_max_num_queries):
    for slug, kind in [("terms", "terms"), ("privacy", "data-protection"), ("cookies", "cookies")]:
        publish(new_document(slug, kind), "# x")
    with django_assert_max_num_queries(12):
        assert dpo_client.get(BASE).status_code == 200


def _api(user) -> Client:
    _, secret = api_token_create(actor=TEST_ACTOR, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_the_dpo_drafts_and_publishes_by_api_and_anyone_reads(dpo_user, customer_a, staff_user, terms):
    dpo = _api(dpo_user)
    draft = dpo.post(
        "/api/v1/legal/documents/terms/versions",
        {"body": "# Terms v2\n<script>x</script>"},
        content_type="application/json",
    )
    assert draft.status_code == 201 and draft.json()["number"] == 2
    customer = _api(customer_a)
    assert customer.get("/api/v1/legal/documents/terms/versions/2").status_code == 404  # drafts: staff only
    assert [v["number"] for v in customer.get("/api/v1/legal/documents/terms/versions").json()] == [1]
    assert (
        _api(staff_user)
        .post(
            "/api/v1/legal/documents/terms/versions/2/publish",
            {"effective_on": str(today())},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    published = dpo.post(
        "/api/v1/legal/documents/terms/versions/2/publish",
        {"effective_on": str(today())},
        content_type="application/json",
    )
    assert published.status_code == 200 and published.json()["status"] == "published"
    text = customer.get("/api/v1/legal/documents/terms/versions/2").json()
    assert text["markdown"].startswith("# Terms v2") and "<script>" not in text["html"]
    diff = customer.get("/api/v1/legal/documents/terms/diff?from=1&to=2").json()
    assert diff["stats"] == {"insert": 1, "delete": 0, "change": 1}
    assert diff["lines"][0]["segments"][-2:] == [{"op": "delete", "text": "v1"}, {"op": "insert", "text": "v2"}]
    documents = customer.get("/api/v1/legal/documents").json()
    assert documents == [
        {
            "slug": "terms",
            "kind": "terms",
            "title": "Terms and conditions",
            "title_i18n": {"en": "Terms and conditions"},
            "requires_acceptance": True,
            "version_in_force": 2,
            "upcoming_versions": [],
        }
    ]
    late = dpo.patch("/api/v1/legal/documents/terms/versions/2", {"body": "# changed"}, content_type="application/json")
    assert late.status_code == 422 and "never changes" in late.json()["detail"]


def test_api_customers_cannot_draft(customer_a, terms):
    response = _api(customer_a).post(
        "/api/v1/legal/documents/terms/versions", {"body": "# x"}, content_type="application/json"
    )
    assert response.status_code == 403

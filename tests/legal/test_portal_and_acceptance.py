"""The customer's documents (S8), GDPR Art. 28(9): the terms are accepted in electronic form by a
customer administrator, once per version, only a published version, only for their own organisation;
viewers read; another organisation's acceptances never show (page and API)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from art28.core.models import AuditEntry
from art28.core.services import api_token_create
from art28.legal.models import Acceptance, DocumentKind
from art28.legal.services import document_accept, version_draft
from tests.conftest import TEST_ACTOR, logged_in
from tests.legal.conftest import accept, new_document, publish, today
from tests.legal.dpa_text import dpa_text

pytestmark = pytest.mark.django_db
PAGE = "/portal/documents/"


@pytest.fixture
def terms():
    document = new_document("terms", DocumentKind.TERMS)
    publish(document, "# Terms v1\n")
    return document


def test_gdpr_art_28_9_a_customer_admin_accepts_in_the_portal(client_a, customer_a, org_a, terms):
    html = client_a.get(PAGE).content.decode()
    assert "Terms and conditions" in html and "not accepted" in html and "Accept version 1" in html
    response = client_a.post(f"{PAGE}terms/v1/accept", follow=True)
    assert "accepted" in response.content.decode()
    acceptance = Acceptance.objects.get()
    assert (acceptance.organisation, acceptance.accepted_by, acceptance.version.number) == (org_a, customer_a, 1)
    entry = AuditEntry.objects.get(action="legal.document.accept")
    assert entry.organisation_id == org_a.pk and entry.actor_label == "alice@acme.example"
    html = client_a.get(PAGE).content.decode()
    assert "by alice@acme.example" in html and "Accept version 1" not in html


def test_a_viewer_reads_but_cannot_accept(viewer_a, terms):
    client = logged_in(viewer_a)
    html = client.get(PAGE).content.decode()
    assert "Terms and conditions" in html and "Accept version 1" not in html
    assert client.post(f"{PAGE}terms/v1/accept").status_code == 403
    assert not Acceptance.objects.exists()


def test_not_twice_and_not_a_draft(customer_a, client_a, terms):
    v1 = terms.versions.get(number=1)
    accept(customer_a, v1)
    with pytest.raises(ValidationError, match="already accepted"):
        accept(customer_a, v1)
    draft = version_draft(actor=TEST_ACTOR, document=terms, body="# v2")
    with pytest.raises(ValidationError, match="Only a published version"):
        accept(customer_a, draft)
    assert client_a.post(f"{PAGE}terms/v2/accept").status_code == 404  # a draft is not public
    assert Acceptance.objects.count() == 1


def test_not_for_another_organisation(customer_a, org_b, terms):
    with pytest.raises(PermissionDenied):
        document_accept(actor=customer_a, organisation=org_b, version=terms.versions.get(number=1))


def test_another_organisations_acceptances_never_show(client_a, admin_b, terms):
    accept(admin_b, terms.versions.get(number=1))
    html = client_a.get(PAGE).content.decode()
    assert "berta@beta.example" not in html and "not accepted" in html


def test_an_upcoming_version_can_be_accepted_and_the_diff_from_the_accepted_one_is_linked(customer_a, client_a, terms):
    accept(customer_a, terms.versions.get(number=1))
    publish(terms, "# Terms v2\n", on=today() + dt.timedelta(days=30))
    html = client_a.get(PAGE).content.decode()
    assert "/trust/policies/terms/diff/?from=1&amp;to=2" in html and "Accept version 2" in html
    assert client_a.post(f"{PAGE}terms/v2/accept").status_code == 302
    assert Acceptance.objects.filter(version__number=2).exists()


def test_the_dpa_is_listed_but_accepted_by_countersignature(client_a, terms):
    dpa = new_document("dpa", DocumentKind.DPA)
    publish(dpa, dpa_text())
    html = client_a.get(PAGE).content.decode()
    assert "DPA" in html and "Accept version 1</button>" in html  # the terms' button only
    assert html.count("Accept version 1</button>") == 1
    client_a.post(f"{PAGE}dpa/v1/accept")
    assert not Acceptance.objects.filter(version__document=dpa).exists()


def test_staff_cannot_use_the_portal_page(staff_client, terms):
    assert staff_client.get(PAGE).status_code == 403


def _api(user) -> Client:
    _, secret = api_token_create(actor=TEST_ACTOR, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_api_my_acceptances_are_scoped_to_my_organisation(customer_a, admin_b, viewer_a, terms):
    api_a, api_b = _api(customer_a), _api(admin_b)
    created = api_a.post(
        "/api/v1/legal/my/acceptances", {"document": "terms", "version": 1}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["accepted_by"] == "alice@acme.example"
    again = api_a.post(
        "/api/v1/legal/my/acceptances", {"document": "terms", "version": 1}, content_type="application/json"
    )
    assert again.status_code == 422 and "already accepted" in again.json()["detail"]
    assert api_b.get("/api/v1/legal/my/acceptances").json() == []
    viewer = _api(viewer_a).post(
        "/api/v1/legal/my/acceptances", {"document": "terms", "version": 1}, content_type="application/json"
    )
    assert viewer.status_code == 403
    missing = api_b.post(
        "/api/v1/legal/my/acceptances", {"document": "terms", "version": 7}, content_type="application/json"
    )
    assert missing.status_code == 404


def test_the_documents_page_costs_a_fixed_number_of_queries(client_a, customer_a, terms, django_assert_max_num_queries):
    for n in range(2, 8):
        publish(terms, f"# Terms v{n}\n")  # nobody accepted yet: each may take effect today
    for n in range(2, 8):
        accept(customer_a, terms.versions.get(number=n))
    with django_assert_max_num_queries(12 + 4):  # + the navigation's pending count: one read per kind
        html = client_a.get(PAGE).content.decode()
    assert html.count("by alice@acme.example") == 1 and html.count("<td>alice@acme.example</td>") == 6

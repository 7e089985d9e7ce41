"""Who may open which page: customers only their portal, staff only the back office, nobody anonymous."""

from __future__ import annotations

import pytest

from art28.residency.services import attestation_issue
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db

# A fixed id: xdist workers must collect the same parameters.
PORTAL_PAGES = ["/portal/", "/portal/attestations/", "/portal/attestations/3f1c0a52-9d6e-4b1a-8c43-0e4f5d6a7b8c.json"]
STAFF_PAGES = [
    "/staff/",
    "/staff/inventory/",
    "/staff/inventory/assets/",
    "/staff/inventory/assets/acme-vm-1/",
    "/staff/inventory/customers/",
    "/staff/inventory/customers/ACME/",
    "/staff/residency/audit/",
]


@pytest.mark.parametrize("path", PORTAL_PAGES)
def test_staff_get_403_on_the_portal(staff_client, two_customers, path):
    assert staff_client.get(path).status_code == 403


def test_staff_cannot_issue_for_nobody(staff_client, signing_key):
    assert staff_client.post("/portal/attestations/issue").status_code == 403


def test_staff_cannot_download_a_customers_attestation_through_the_portal(staff_client, org_a, signing_key):
    attestation = attestation_issue(actor=TEST_ACTOR, organisation=org_a)
    assert staff_client.get(f"/portal/attestations/{attestation.public_id}.json").status_code == 403


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_customers_get_403_on_staff_pages(client_a, two_customers, path):
    assert client_a.get(path).status_code == 403


@pytest.mark.parametrize("path", [*PORTAL_PAGES, *STAFF_PAGES, "/accounts/tokens/"])
def test_anonymous_users_are_sent_to_login(client, two_customers, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_home_sends_each_role_to_its_side(client_a, staff_client):
    assert client_a.get("/")["Location"] == "/portal/"
    assert staff_client.get("/")["Location"] == "/staff/"

"""/api/v1/residency/: the staff audit and each customer's own residency data (S1).

Tenant isolation: a customer reads only its own organisation's rows; another organisation's
attestation answers 404 whether the id is guessed or listed, with token or session auth.
"""

import json

import pytest
from django.test import Client

from art28.core.glossary import data_category_create
from art28.core.models import CategoryKind
from art28.core.roles import Role
from art28.core.services import api_token_create
from art28.residency.models import Attestation
from art28.residency.services import attestation_issue
from tests.conftest import TEST_ACTOR, logged_in
from tests.residency.fixtures import WORLD_AUDIT

pytestmark = pytest.mark.django_db
BASE = "/api/v1/residency"
CUSTOMER_GETS = ["/my/placements", "/my/flows", "/my/violations", "/my/attestations"]


def token_client(user) -> Client:
    _, secret = api_token_create(actor=TEST_ACTOR, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture(params=["token", "session"])
def as_user(request):
    """A client for a user, authenticated by API token or by session, so each test runs with both."""
    return token_client if request.param == "token" else logged_in


@pytest.mark.parametrize("path", ["/audit", *CUSTOMER_GETS])
def test_unauthenticated_requests_get_401(client, path):
    assert client.get(BASE + path).status_code == 401


def test_unauthenticated_post_gets_401(client):
    assert client.post(BASE + "/my/attestations").status_code == 401


def test_an_invalid_token_gets_401(db):
    assert Client(headers={"Authorization": "Bearer art28_nope"}).get(BASE + "/audit").status_code == 401


def test_staff_get_the_audit_exactly_as_the_cli_prints_it(world, staff_user, as_user):
    response = as_user(staff_user).get(BASE + "/audit")
    assert response.status_code == 200
    assert response.json() == WORLD_AUDIT


def test_the_auditor_role_may_read_the_audit(world, auditor):
    assert token_client(auditor).get(BASE + "/audit").status_code == 200


def test_the_audit_filters(world, staff_user):
    client = token_client(staff_user)
    assert [v["asset"] for v in client.get(BASE + "/audit", {"reason": "unknown-location"}).json()] == [
        "orphan-vol-1",
        "unknown-host-1",
    ]
    assert {v["customer"] for v in client.get(BASE + "/audit", {"customer": "GAMMA"}).json()} == {"GAMMA"}
    assert client.get(BASE + "/audit", {"reason": "nonsense"}).status_code == 422


def test_customers_may_not_read_the_audit(world, customer_a, as_user):
    assert as_user(customer_a).get(BASE + "/audit").status_code == 403


@pytest.mark.parametrize("path", CUSTOMER_GETS)
def test_staff_are_refused_on_customer_endpoints(world, staff_user, as_user, path):
    assert as_user(staff_user).get(BASE + path).status_code == 403


def test_a_customer_sees_only_its_own_placements(world, customer_a, as_user):
    response = as_user(customer_a).get(BASE + "/my/placements")
    assert response.status_code == 200
    assert response.json() == [
        {
            "asset": "fra-vol-1",
            "kind": "volume",
            "site": "FRA1",
            "country": "DE",
            "within_policy": False,
            "data_categories": ["logs"],
            "data_categories_i18n": {"logs": {"en": "logs"}},
            "subjects": 300,
            "records": 90000,
        },
        {
            "asset": "gva-vol-1",
            "kind": "volume",
            "site": "GVA1",
            "country": "CH",
            "within_policy": True,
            "data_categories": ["contact", "customer"],
            "data_categories_i18n": {"contact": {"en": "contact"}, "customer": {"en": "customer"}},
            "subjects": 1200,
            "records": 5000,
        },
    ]


def test_my_placements_name_each_data_category_in_every_language_of_the_glossary(world, customer_a):
    """The public JSON's rule (art28.core.translated): the English list stays, ``data_categories_i18n`` adds
    each term in every language the glossary has (terms compare case-insensitively, as the glossary's do);
    a term outside the glossary has its English only."""
    data_category_create(
        actor=TEST_ACTOR,
        kind=CategoryKind.DATA,
        name="Contact",
        name_i18n={"fr": "coordonnées", "de": "Kontaktdaten", "it": "dati di contatto"},
    )
    rows = {row["asset"]: row for row in token_client(customer_a).get(BASE + "/my/placements").json()}
    assert rows["gva-vol-1"]["data_categories"] == ["contact", "customer"]
    assert rows["gva-vol-1"]["data_categories_i18n"] == {
        "contact": {"en": "contact", "fr": "coordonnées", "de": "Kontaktdaten", "it": "dati di contatto"},
        "customer": {"en": "customer"},
    }
    assert rows["fra-vol-1"]["data_categories_i18n"] == {"logs": {"en": "logs"}}


def test_a_customer_sees_only_the_flows_carrying_its_data(world, customer_a, customer_b, as_user):
    flows_a = as_user(customer_a).get(BASE + "/my/flows").json()
    assert {(f["from_asset"], f["destination"], f["within_policy"]) for f in flows_a} == {
        ("gva-host-1", "gva-backup-1", True),
        ("gva-backup-1", "FRA1", False),
    }
    flows_b = as_user(customer_b).get(BASE + "/my/flows").json()
    assert [(f["from_asset"], f["destination"], f["country"]) for f in flows_b] == [("zrh-cluster-1", "FR", "FR")]


def test_a_customer_sees_only_its_own_violations(world, customer_b, as_user):
    response = as_user(customer_b).get(BASE + "/my/violations")
    assert response.json() == [v for v in WORLD_AUDIT if v["customer"] == "BETA"]


def test_a_customer_admin_issues_an_attestation(world, customer_a, signing_key, as_user):
    client = as_user(customer_a)
    response = client.post(BASE + "/my/attestations")
    assert response.status_code == 201
    body = response.json()
    attestation = Attestation.objects.get(public_id=body["public_id"])
    assert attestation.organisation == world.acme and attestation.issued_by == customer_a
    assert body["compliant"] is False and body["countries"] == ["CH", "DE"]
    assert body["document_url"] == f"{BASE}/my/attestations/{attestation.public_id}"
    assert body["pdf_url"] == f"{BASE}/my/attestations/{attestation.public_id}/pdf"
    assert [a["public_id"] for a in client.get(BASE + "/my/attestations").json()] == [body["public_id"]]


def test_a_customer_viewer_may_not_issue_an_attestation(world, customer_b, signing_key, as_user):
    assert customer_b.role == Role.CUSTOMER_VIEWER
    assert as_user(customer_b).post(BASE + "/my/attestations").status_code == 403
    assert not Attestation.objects.exists()


def test_issuing_without_a_signing_key_is_503_not_a_crash(world, customer_a, settings, tmp_path):
    settings.ART28_SIGNING_KEY_FILE = tmp_path / "missing.pem"
    assert token_client(customer_a).post(BASE + "/my/attestations").status_code == 503


@pytest.fixture
def attestations(world, signing_key):
    """One attestation each for ACME and BETA."""
    return (
        attestation_issue(actor=TEST_ACTOR, organisation=world.acme),
        attestation_issue(actor=TEST_ACTOR, organisation=world.beta),
    )


def test_the_document_is_served_exactly_as_stored(attestations, customer_a, as_user):
    mine, _ = attestations
    response = as_user(customer_a).get(f"{BASE}/my/attestations/{mine.public_id}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == mine.document.encode()
    assert json.loads(response.content)["attestation"]["customer"]["ref"] == "ACME"


def test_the_pdf_is_served(attestations, customer_a, as_user):
    mine, _ = attestations
    response = as_user(customer_a).get(f"{BASE}/my/attestations/{mine.public_id}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_customer_lists_only_its_own_attestations(attestations, customer_a, customer_b, as_user):
    mine, theirs = attestations
    assert [a["public_id"] for a in as_user(customer_a).get(BASE + "/my/attestations").json()] == [str(mine.public_id)]
    assert [a["public_id"] for a in as_user(customer_b).get(BASE + "/my/attestations").json()] == [
        str(theirs.public_id)
    ]


@pytest.mark.parametrize("suffix", ["", "/pdf"])
def test_another_organisations_attestation_is_404_like_a_missing_one(attestations, customer_a, as_user, suffix):
    _, theirs = attestations
    client = as_user(customer_a)
    other = client.get(f"{BASE}/my/attestations/{theirs.public_id}{suffix}")
    missing = client.get(f"{BASE}/my/attestations/00000000-0000-4000-8000-000000000000{suffix}")
    malformed = client.get(f"{BASE}/my/attestations/not-a-uuid{suffix}")
    assert other.status_code == missing.status_code == malformed.status_code == 404
    assert other.content == missing.content  # nothing in the answer tells "exists" from "does not"
    assert theirs.document.encode() not in other.content


def test_staff_cannot_fetch_a_customers_attestation_through_customer_endpoints(attestations, staff_user):
    mine, _ = attestations
    assert token_client(staff_user).get(f"{BASE}/my/attestations/{mine.public_id}").status_code == 403


def test_the_openapi_document_describes_the_residency_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/audit", *CUSTOMER_GETS, "/my/attestations/{public_id}", "/my/attestations/{public_id}/pdf"]:
        assert "/api/v1/residency" + path in paths


def test_customer_reads_take_the_same_number_of_queries_for_10_or_100_placements(
    inventory, org_a, customer_a, django_assert_max_num_queries
):
    """DESIGN.md: set-based reads; the placement and flow lists are a few queries whatever their size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from art28.inventory.models import Asset, AssetKind, Placement

    inventory.asset("gva-host", site="GVA1")
    inventory.flow("gva-host", to_site="FRA1")
    client = token_client(customer_a)

    def add(count):
        start = Asset.objects.count()
        assets = Asset.objects.bulk_create(
            Asset(ref=f"gva-vol-{start + i:04}", kind=AssetKind.VOLUME, parent=inventory.assets["gva-host"])
            for i in range(count)
        )
        Placement.objects.bulk_create(Placement(customer=org_a, asset=a) for a in assets)
        inventory.refresh()

    add(10)
    counts = {}
    for path in ("/my/placements", "/my/flows", "/my/violations"):
        with CaptureQueriesContext(connection) as small:
            assert len(client.get(BASE + path).json()) in (1, 10)
        counts[path] = len(small.captured_queries)
    add(90)
    for path in ("/my/placements", "/my/flows", "/my/violations"):
        with django_assert_max_num_queries(counts[path]):
            assert len(client.get(BASE + path).json()) in (1, 100)

"""The staff header's search finds customers, assets, incidents, DPO requests and sub-processors;
DPO requests only for the DPO desk's readers (core/access.py DPO_READERS), never for operations."""

from __future__ import annotations

import pytest

from art28.breaches.services import incident_declare
from art28.core.access import DPO_READERS, STAFF
from art28.core.models import Organisation
from art28.core.roles import Role
from art28.dpo.services import request_submit
from art28.inventory.models import Asset, AssetKind
from art28.subprocessors.models import SubProcessor
from tests.breaches.fixtures import hours_ago
from tests.conftest import TEST_ACTOR, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    Organisation.objects.create(ref="ZEPHYR", name="Zephyr Zebra AG", country="CH")
    Organisation.objects.create(ref="OTHER", name="Other GmbH", country="CH")
    Asset.objects.create(ref="zephyr-vm-1", kind=AssetKind.VM)
    incident = incident_declare(
        actor=TEST_ACTOR,
        title="Zephyr backup exposed",
        aware_at=hours_ago(2),
        started_at=hours_ago(4),
        natures=["confidentiality"],
    )
    SubProcessor.objects.create(slug="zephyr-mail", legal_name="Zephyr Mail SA", address="x", purpose="mail")
    dpo_request = request_submit(
        kind="access", name="Petra Zephyr", email="petra@example.net", country="CH", language="de", message="?"
    )
    return incident, dpo_request


@pytest.mark.parametrize("role", sorted(DPO_READERS))
def test_search_finds_every_kind(make_user, world, role):
    incident, dpo_request = world
    client = logged_in(make_user(f"{role}@provider.example", role))
    html = client.get("/staff/search/", {"q": "zephyr"}).content.decode()
    assert "Zephyr Zebra AG" in html and 'href="/staff/inventory/customers/ZEPHYR/"' in html
    assert "Other GmbH" not in html
    assert 'href="/staff/inventory/assets/zephyr-vm-1/"' in html
    assert incident.ref in html and "Zephyr backup exposed" in html
    assert "Zephyr Mail SA" in html
    # A request is found by its reference only: the requester's name is not searched.
    assert dpo_request.reference not in html
    html = client.get("/staff/search/", {"q": dpo_request.reference}).content.decode()
    assert dpo_request.get_absolute_url() in html


@pytest.mark.parametrize("role", sorted(STAFF - DPO_READERS))
def test_search_hides_dpo_requests_from_other_staff(make_user, world, role):
    _, dpo_request = world
    client = logged_in(make_user(f"{role}@provider.example", role))
    html = client.get("/staff/search/", {"q": dpo_request.reference}).content.decode()
    assert dpo_request.get_absolute_url() not in html and "DPO requests" not in html
    assert "Zephyr Zebra AG" in client.get("/staff/search/", {"q": "zephyr"}).content.decode()


def test_search_is_in_the_staff_header_only(staff_client, client_a):
    assert 'action="/staff/search/"' in staff_client.get("/staff/").content.decode()
    assert 'action="/staff/search/"' not in client_a.get("/portal/").content.decode()
    assert client_a.get("/staff/search/?q=zephyr").status_code == 403


def test_a_short_query_searches_nothing(staff_client, world):
    html = staff_client.get("/staff/search/", {"q": "z"}).content.decode()
    assert "Type at least two characters." in html and "Zephyr" not in html

    assert Role.OPERATIONS in STAFF - DPO_READERS

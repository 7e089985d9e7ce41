"""End of contract in the portal, the staff pages and the API: each customer sees only its own cases, its
administrators ask, operations mark, bad input is a 4xx that changes nothing."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from art28.core.services import api_token_create
from art28.duties.models import EndOfContract
from art28.duties.services import end_of_contract_request
from tests.conftest import TEST_ACTOR, logged_in

pytestmark = pytest.mark.django_db


def today() -> str:
    return timezone.localdate().isoformat()


def api_client(user):
    from django.test import Client

    _, secret = api_token_create(actor=TEST_ACTOR, user=user, name="t")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_an_administrator_asks_in_the_portal_and_follows_each_place(world, acme_admin):
    client = logged_in(acme_admin)
    page = client.get("/portal/end-of-contract/")
    assert page.status_code == 200 and b'name="confirm"' in page.content
    refused = client.post("/portal/end-of-contract/request", {"choice": "delete", "contract_ends_on": today()})
    assert refused.status_code == 400 and not EndOfContract.objects.exists()  # not confirmed
    response = client.post(
        "/portal/end-of-contract/request", {"choice": "delete", "contract_ends_on": today(), "confirm": "on"}
    )
    case = EndOfContract.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/end-of-contract/{case.public_id}/"
    detail = client.get(response["Location"]).content.decode()
    for place in ("gva-db-1", "gva-vol-1", "zrh-bucket-1", "zrh-backup-1", "fra-backup-2", "FRA1"):
        assert f"<code>{place}</code>" in detail
    assert case.received_via == "portal" and case.requested_by == acme_admin
    assert b'name="confirm"' not in client.get("/portal/end-of-contract/").content  # one under way at a time


def test_a_viewer_follows_but_cannot_ask(world, acme_viewer):
    client = logged_in(acme_viewer)
    assert b'name="confirm"' not in client.get("/portal/end-of-contract/").content
    response = client.post(
        "/portal/end-of-contract/request", {"choice": "delete", "contract_ends_on": today(), "confirm": "on"}
    )
    assert response.status_code == 403 and not EndOfContract.objects.exists()


def test_another_customer_gets_404_for_the_case_and_its_certificate(world, acme_admin, beta_admin):
    case = end_of_contract_request(
        actor=acme_admin, customer=world.acme, choice="delete", contract_ends_on=timezone.localdate()
    )
    beta = logged_in(beta_admin)
    assert beta.get(f"/portal/end-of-contract/{case.public_id}/").status_code == 404
    assert beta.get(f"/portal/end-of-contract/{case.public_id}/certificate.json").status_code == 404
    assert case.reference.encode() not in beta.get("/portal/end-of-contract/").content
    api = api_client(beta_admin)
    assert api.get("/api/v1/duties/my/end-of-contract").json() == []
    assert api.get(f"/api/v1/duties/my/end-of-contract/{case.public_id}").status_code == 404
    assert api.get(f"/api/v1/duties/my/end-of-contract/{case.public_id}/certificate").status_code == 404


def test_operations_mark_on_the_staff_page_and_a_bad_day_is_a_400(world, acme_admin, ops_client):
    case = end_of_contract_request(
        actor=acme_admin, customer=world.acme, choice="delete", contract_ends_on=timezone.localdate()
    )
    listing = ops_client.get("/staff/duties/end-of-contract/").content.decode()
    assert case.reference in listing and "Acme Sàrl" in listing
    item = case.items.get(where="gva-db-1")
    url = f"/staff/duties/end-of-contract/{case.reference}/items/{item.pk}/delete"
    bad = ops_client.post(url, {"deleted_on": "2000-01-01"})
    assert bad.status_code == 400 and "not before that day" in bad.content.decode()
    item.refresh_from_db()
    assert item.deleted_on is None
    assert ops_client.post(url, {"deleted_on": today()}).status_code == 302
    item.refresh_from_db()
    assert item.deleted_on == timezone.localdate()
    # Operations may not keep data on a legal ground: the DPO decides.
    retain = f"/staff/duties/end-of-contract/{case.reference}/items/{case.items.get(where='gva-vol-1').pk}/retain"
    assert ops_client.post(retain, {"ground": "CO 958f", "until": "2036-01-01"}).status_code == 403


def test_the_api_lists_own_cases_and_an_administrator_asks(world, acme_admin, acme_viewer):
    api = api_client(acme_admin)
    bad = api.post("/api/v1/duties/my/end-of-contract", json.dumps({"choice": "delete", "contract_ends_on": today(),
                   "services": ["Nope"]}), content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "Nope" in bad.json()["detail"]
    assert not EndOfContract.objects.exists()
    created = api.post("/api/v1/duties/my/end-of-contract", json.dumps({"choice": "return", "contract_ends_on": today(),
                       "services": ["Object storage"]}), content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "returning" and body["services"] == ["Object storage"]
    assert sorted(i["where"] for i in body["items"]) == ["FRA1", "zrh-bucket-1"]
    listed = api_client(acme_viewer).get("/api/v1/duties/my/end-of-contract").json()
    assert [c["reference"] for c in listed] == [body["reference"]]
    viewer = api_client(acme_viewer).post("/api/v1/duties/my/end-of-contract", json.dumps(
        {"choice": "delete", "contract_ends_on": today()}), content_type="application/json")  # fmt: skip
    assert viewer.status_code == 403


def test_the_case_page_draws_a_lane_per_place_until_the_day_it_is_gone(world, acme_admin, operations):
    from art28.duties.services import deletion_item_mark
    from art28.duties.timeline import COLOURS, deletion_timeline

    case = end_of_contract_request(actor=acme_admin, customer=world.acme, choice="delete",
                                   contract_ends_on=timezone.localdate())  # fmt: skip
    deletion_item_mark(actor=operations, item=case.items.get(where="gva-db-1"))
    svg = deletion_timeline(case, list(case.items.all()), timezone.localdate())
    assert svg.count("<rect ") == case.items.count() == 6
    assert svg.count(f'fill="{COLOURS["deleted"]}"') == 1  # gva-db-1
    assert svg.count(f'fill="{COLOURS["expiring"]}"') == 1  # the backup at zrh-backup-1, until its rotation ends
    assert svg.count(f'fill="{COLOURS["pending"]}"') == 4
    page = logged_in(acme_admin).get(f"/portal/end-of-contract/{case.public_id}/").content.decode()
    assert '<svg class="deletion-timeline"' in page and ">zrh-backup-1</text>" in page


def test_a_day_far_in_the_future_is_a_4xx_naming_the_field_not_a_crash(world, acme_admin):
    """9999-12-31 plus the return's 30 days is no date: refused before anything is counted from it."""
    api = api_client(acme_admin)
    for choice in ("return", "delete"):
        response = api.post("/api/v1/duties/my/end-of-contract", json.dumps(
            {"choice": choice, "contract_ends_on": "9999-12-31"}), content_type="application/json")  # fmt: skip
        assert response.status_code == 422 and "contract_ends_on" in response.json()["detail"]
    far = {"choice": "return", "contract_ends_on": "9999-12-31", "confirm": "on"}
    page = logged_in(acme_admin).post("/portal/end-of-contract/request", far)
    assert page.status_code == 400 and "ten years ahead" in page.content.decode()
    assert not EndOfContract.objects.exists()

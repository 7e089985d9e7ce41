"""Staff pages /staff/subprocessors/ (S4): every staff role reads, the DPO and administrators act,
customers get 403; the dashboard shows open objections."""

from __future__ import annotations

import pytest

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.subprocessors.models import Change, ChangeStatus, Contract, SubProcessor
from art28.subprocessors.responses import change_object
from tests.conftest import logged_in
from tests.subprocessors.fixtures import MAIL, WEB, announced_addition, new_subprocessor

pytestmark = pytest.mark.django_db
BASE = "/staff/subprocessors/"


def read_pages(change_id: int) -> list[str]:
    return [
        BASE,
        f"{BASE}?at=2023-01-01",
        f"{BASE}helpdesk/",
        f"{BASE}changes/",
        f"{BASE}changes/{change_id}/",
        f"{BASE}contracts/",
        f"{BASE}contracts/ACME/",
    ]


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.AUDITOR, Role.SECURITY, Role.DPO, Role.ADMIN])
def test_every_staff_role_reads(sp_world, make_user, role):
    client = logged_in(make_user(f"{role}@provider.example", role))
    change = announced_addition([WEB])
    for path in read_pages(change.pk):
        assert client.get(path).status_code == 200, path


def test_customers_get_403_on_every_staff_page(sp_world, acme_admin):
    client = logged_in(acme_admin)
    change = announced_addition([WEB])
    for path in [*read_pages(change.pk), f"{BASE}new/", f"{BASE}changes/new/"]:
        assert client.get(path).status_code == 403, path


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.AUDITOR])
def test_read_only_roles_cannot_act(sp_world, make_user, acme_admin, role):
    client = logged_in(make_user(f"{role}@provider.example", role))
    change = announced_addition([WEB])
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="No.")
    contracts = list(Contract.objects.values_list("organisation_id", "authorisation", "notice_days"))
    posts = [
        (f"{BASE}new/", {"slug": "x"}),
        (f"{BASE}helpdesk/edit/", {"slug": "helpdesk"}),
        (f"{BASE}changes/new/", {"kind": "addition"}),
        (f"{BASE}changes/{change.pk}/withdraw/", {"reason": "x"}),
        (f"{BASE}changes/{change.pk}/resolve/{sp_world.acme.pk}/", {"resolution": "termination", "note": "x"}),
        (f"{BASE}contracts/ACME/", {"authorisation": "specific", "notice_days": 30}),
    ]
    for path, data in posts:
        assert client.post(path, data).status_code == 403, path
    assert "Register a sub-processor" not in client.get(BASE).content.decode()
    change.refresh_from_db()
    assert change.status == ChangeStatus.ANNOUNCED
    assert list(Contract.objects.values_list("organisation_id", "authorisation", "notice_days")) == contracts


def test_the_register_as_of_a_past_date(sp_world, staff_client):
    import datetime as dt

    new_subprocessor(
        "old-desk",
        legal_name="Old Desk GmbH",
        countries="DE",
        in_use_from=dt.date(2020, 1, 1),
        in_use_until=dt.date(2024, 1, 1),
    )
    past = staff_client.get(BASE, {"at": "2022-05-01"}).content.decode()
    assert "Old Desk GmbH" in past and "Helvetia Helpdesk AG" not in past
    now = staff_client.get(BASE).content.decode()
    assert "Old Desk GmbH" in now and "no longer in use" in now


def test_the_dpo_registers_a_sub_processor_through_the_form(sp_world, dpo_client):
    response = dpo_client.post(
        f"{BASE}new/",
        {
            "slug": "mainhattan",
            "legal_name": "Mainhattan Colocation GmbH",
            "address": "Frankfurt am Main",
            "purpose": "Colocation",
            "countries": "DE",
            "sites": ["FRA1"],
            "services": ["Backup"],
        },
    )
    assert response.status_code == 302 and response["Location"] == f"{BASE}mainhattan/"
    assert SubProcessor.objects.get(slug="mainhattan").sites.get().code == "FRA1"


def test_a_bad_form_shows_the_services_error_and_saves_nothing(sp_world, dpo_client):
    response = dpo_client.post(
        f"{BASE}new/", {"slug": "usco", "legal_name": "US Co", "address": "x", "purpose": "y", "countries": "US"}
    )
    assert response.status_code == 400
    assert "name the safeguard (GDPR Art. 46" in response.content.decode()
    assert not SubProcessor.objects.filter(slug="usco").exists()


def test_draft_announce_and_resolve_through_the_pages(sp_world, dpo_client, acme_admin):
    sp = new_subprocessor()
    response = dpo_client.post(
        f"{BASE}changes/new/",
        {"kind": "addition", "subprocessor": sp.slug, "services": [WEB, MAIL], "summary": "Better delivery."},
    )
    change = Change.objects.get()
    assert response["Location"] == f"{BASE}changes/{change.pk}/"
    assert dpo_client.post(f"{BASE}changes/{change.pk}/announce/", {}).status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.ANNOUNCED and change.recipients.count() == 3
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="We object.")

    page = dpo_client.get(f"{BASE}changes/{change.pk}/", {"show": "objections"})
    html = page.content.decode()
    assert "We object." in html and "Beta AG" not in html
    assert page.context["counts"].objection_count == 1 and page.context["counts"].recipient_count == 3

    listing = dpo_client.get(f"{BASE}changes/").content.decode()
    assert "1 objection waits for a resolution." in listing

    response = dpo_client.post(
        f"{BASE}changes/{change.pk}/resolve/{sp_world.acme.pk}/",
        {"resolution": "old_arrangement", "note": "Agreed by phone."},
    )
    assert response.status_code == 302
    assert change.recipients.get(organisation=sp_world.acme).resolution == "old_arrangement"
    assert AuditEntry.objects.filter(action="subprocessor.change.resolve").count() == 1


def test_an_announce_error_comes_back_on_the_page(sp_world, dpo_client):
    import datetime as dt

    sp = new_subprocessor()
    dpo_client.post(
        f"{BASE}changes/new/", {"kind": "addition", "subprocessor": sp.slug, "services": [MAIL], "summary": "x"}
    )
    change = Change.objects.get()
    response = dpo_client.post(f"{BASE}changes/{change.pk}/announce/", {"effective_on": dt.date.today().isoformat()})
    assert response.status_code == 400
    assert "cannot be before" in response.content.decode()


def test_the_dpo_sets_a_contract(sp_world, dpo_client):
    response = dpo_client.post(f"{BASE}contracts/ACME/", {"authorisation": "specific", "notice_days": 45})
    assert response.status_code == 302
    assert Contract.objects.get(organisation=sp_world.acme).notice_days == 45
    assert "ACME" in dpo_client.get(f"{BASE}contracts/").content.decode()
    assert dpo_client.get(f"{BASE}contracts/", {"ref": "ACME"})["Location"] == f"{BASE}contracts/ACME/"


def test_the_dashboard_shows_open_objections(sp_world, staff_client, acme_admin):
    change = announced_addition([WEB])
    html = staff_client.get("/staff/").content.decode()
    assert '<div class="value">0</div><div class="label">open objections</div>' in html
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="No.")
    html = staff_client.get("/staff/").content.decode()
    assert '<div class="value">1</div><div class="label">open objections</div>' in html
    assert "1 customer objection to a sub-processor change waits for a resolution" in html
    assert f"{BASE}changes/{change.pk}/?show=objections" in html


def test_staff_see_an_objection_without_a_reason_as_such_gdpr_art_28_2(sp_world, dpo_client, acme_admin):
    """GDPR Art. 28(2), SCC 2021/914 Clause 9(a): an objection needs no reason. Staff see "no reason given"
    (not empty quotes) on the change page and in the list of open objections, and can resolve it."""
    change = announced_addition([WEB])
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme)
    html = dpo_client.get(f"{BASE}changes/{change.pk}/", {"show": "objections"}).content.decode()
    assert "no reason given" in html and "“”" not in html
    listing = dpo_client.get(f"{BASE}changes/").content.decode()
    assert "1 objection waits for a resolution." in listing and "no reason given" in listing and "“”" not in listing
    response = dpo_client.post(
        f"{BASE}changes/{change.pk}/resolve/{sp_world.acme.pk}/", {"resolution": "old_arrangement", "note": "Agreed."}
    )
    assert response.status_code == 302

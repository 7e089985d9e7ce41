"""The DPIA pack in the portal, the API and the staff pages (GDPR Art. 28(3)(f)): a customer downloads the
pack of a service holding its data, as PDF or JSON in its language; another customer's service (one without
its data) is a 404, on the page and in the API; staff see who downloaded which version."""

from __future__ import annotations

import json

import pytest

from art28.core.roles import Role
from art28.core.services import api_token_create
from art28.duties.dpia_pdf import dpia_pack_html
from art28.duties.models import DpiaPack, DpiaPackDownload
from tests.conftest import TEST_ACTOR, logged_in
from tests.duties.dpia_fixtures import dpia_world  # noqa: F401
from tests.records.test_dpa_authorisation import pdf_text

pytestmark = pytest.mark.django_db


def _api(user):
    from django.test import Client

    _, secret = api_token_create(actor=TEST_ACTOR, user=user, name="dpia")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_the_portal_lists_the_customers_services_with_both_downloads(dpia_world, acme_viewer):  # noqa: F811
    html = logged_in(acme_viewer).get("/portal/dpia/").content.decode()
    for service in (dpia_world.cloud, dpia_world.storage, dpia_world.databases):
        assert f"/portal/dpia/{service.pk}.pdf" in html and f"/portal/dpia/{service.pk}.json" in html
    assert "Cloud servers" in html  # the page in the reader's language (the pack: the organisation's)
    beta_html = logged_in_beta(dpia_world).get("/portal/dpia/").content.decode()
    assert f"/portal/dpia/{dpia_world.storage.pk}.json" not in beta_html  # no BETA data on Object storage


def logged_in_beta(dpia_world):  # noqa: F811
    from art28.core.services import user_create

    user = user_create(actor=TEST_ACTOR, email="viewer@beta.example", role=Role.CUSTOMER_VIEWER, password="x" * 12,
                       organisation=dpia_world.base.beta)  # fmt: skip
    return logged_in(user)


def test_the_json_download_is_the_stored_version_in_french_and_is_recorded(dpia_world, acme_viewer):  # noqa: F811
    client = logged_in(acme_viewer)
    response = client.get(f"/portal/dpia/{dpia_world.cloud.pk}.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert 'filename="dpia-ACME-cloud-servers-v1.json"' in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["language"] == "fr" and document["service"]["name"] == "Serveurs cloud"
    assert document["locations"][0]["country_name"] == "Suisse"
    pack = DpiaPack.objects.get()
    assert response.content == pack.document.encode()
    client.get(f"/portal/dpia/{dpia_world.cloud.pk}.json")  # the same facts: the same version, downloaded again
    downloads = DpiaPackDownload.objects.order_by("at")
    assert [(d.user, d.pack_id, d.format) for d in downloads] == [(acme_viewer, pack.pk, "json")] * 2
    assert DpiaPack.objects.count() == 1


def test_the_pdf_renders_in_the_customers_language(dpia_world, acme_viewer):  # noqa: F811
    response = logged_in(acme_viewer).get(f"/portal/dpia/{dpia_world.cloud.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    pack = DpiaPack.objects.get()
    assert DpiaPackDownload.objects.get().format == "pdf"
    text = pdf_text(dpia_pack_html(pack))
    assert "Serveurs cloud" in text and "Chiffrement des disques" in text and "Helvetia Support AG" in text
    assert "Allemagne" in text and pack.sha256 in text
    assert "Firewall per tenant" in text  # no French title: the English one, marked
    assert "Gamma" not in text and "Beta AG" not in text


def test_another_customers_service_is_a_404_on_the_page_and_in_the_api(dpia_world, beta_admin):  # noqa: F811
    """BETA has no data on Object storage nor on Managed databases (ACME's services): 404, nothing recorded."""
    page, api = logged_in(beta_admin), _api(beta_admin)
    for service in (dpia_world.storage, dpia_world.databases):
        assert page.get(f"/portal/dpia/{service.pk}.json").status_code == 404
        assert page.get(f"/portal/dpia/{service.pk}.pdf").status_code == 404
        assert api.get(f"/api/v1/duties/my/dpia/{service.pk}").status_code == 404
    assert page.get("/portal/dpia/999999.json").status_code == 404
    assert page.get(f"/portal/dpia/{dpia_world.cloud.pk}.docx").status_code == 404
    assert not DpiaPack.objects.exists() and not DpiaPackDownload.objects.exists()
    assert page.get(f"/portal/dpia/{dpia_world.cloud.pk}.json").status_code == 200  # BETA's own Cloud data
    assert json.loads(DpiaPack.objects.get().document)["controller"]["ref"] == "BETA"


def test_the_api_lists_the_services_and_gives_the_json_recording_the_download(
    dpia_world,  # noqa: F811
    acme_admin,
    make_user,
):
    api = _api(acme_admin)
    listed = api.get("/api/v1/duties/my/dpia").json()
    by_key = {row["service_key"]: row for row in listed}
    assert set(by_key) == {"Cloud servers", "Managed databases", "Object storage"}
    assert by_key["Cloud servers"]["service"] == "Serveurs cloud" and by_key["Cloud servers"]["latest"] is None
    document = api.get(f"/api/v1/duties/my/dpia/{dpia_world.cloud.pk}").json()
    assert document["version"] == 1 and document["controller"]["ref"] == "ACME"
    latest = {row["service_key"]: row for row in api.get("/api/v1/duties/my/dpia").json()}["Cloud servers"]["latest"]
    assert (latest["version"], latest["sha256"], latest["language"]) == (1, document["sha256"], "fr")
    staff = _api(make_user("auditor@provider.example", Role.AUDITOR))
    downloads = staff.get("/api/v1/duties/dpia/downloads").json()
    assert [(d["customer"], d["service"], d["version"], d["format"], d["user"]) for d in downloads] == [
        ("ACME", "Cloud servers", 1, "json", "admin@acme.example")
    ]
    assert api.get("/api/v1/duties/dpia/downloads").status_code == 403
    assert staff.get("/api/v1/duties/my/dpia").status_code == 403


def test_staff_see_every_version_and_who_downloaded_it(dpia_world, acme_viewer, make_user):  # noqa: F811
    logged_in(acme_viewer).get(f"/portal/dpia/{dpia_world.cloud.pk}.json")
    dpo = logged_in(make_user("dpo@provider.example", Role.DPO))
    html = dpo.get("/staff/duties/dpia/").content.decode()
    assert "Acme Sàrl" in html and "Cloud servers" in html and "viewer@acme.example" in html
    assert DpiaPack.objects.get().sha256[:12] in html
    assert "Acme" not in dpo.get("/staff/duties/dpia/?q=BETA").content.decode()
    assert logged_in(acme_viewer).get("/staff/duties/dpia/").status_code == 403

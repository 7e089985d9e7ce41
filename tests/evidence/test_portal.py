"""The portal's controls (S2): a customer sees the controls of the services its data uses and those of
every service, with status and evidence age, never a reason or another customer's service's control."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.evidence import Collected
from art28.core.roles import Role
from art28.evidence.collection import evidence_collect
from art28.inventory.models import Asset, Placement, Service
from art28.records.models import TechnicalMeasure
from tests.conftest import logged_in
from tests.evidence.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(measure, register, make_org, make_user):
    """ACME's data is on a Web hosting asset; the isolation control (every service) fails its latest
    night; a Mail-only control concerns BETA only."""
    web, mail = Service.objects.create(name="Web hosting"), Service.objects.create(name="Mail")
    acme, beta = make_org("ACME"), make_org("BETA")
    for org, service, ref in ((acme, web, "web-01"), (beta, mail, "mail-01")):
        asset = Asset.objects.create(ref=ref, kind="vm", service=service)
        Placement.objects.create(customer=org, asset=asset)
    mail_only = TechnicalMeasure.objects.create(
        ref="tom-b-mail-filtering",
        area="b",
        title="Mail filtering",
        description="Spam and malware filtering.",
        owner=measure.owner,
        next_review_on=timezone.localdate() + dt.timedelta(days=10),
    )
    mail_only.services.set([mail])
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    night = Collected(key="n", title="breach found on BETA's tenant", effective_at=at(yesterday), data={}, passed=False)
    register("test.isolation", lambda since, until: [night])
    measure.evidence_sources = ["test.isolation"]
    measure.save()
    evidence_collect(actor=SystemActor("test"), until=timezone.now())
    alice = make_user("alice@acme.example", Role.CUSTOMER_VIEWER, acme)
    client = logged_in(alice)
    client.session_user = alice
    return client


def test_a_customer_sees_its_services_controls_with_status_and_age_but_no_reason(world):
    html = world.get("/portal/controls/").content.decode()
    assert "Tenant isolation" in html and "being corrected" in html and "1 day ago" in html
    assert "Mail filtering" not in html  # a control of a service ACME's data does not use
    assert "BETA" not in html and "breach found" not in html  # the reason stays with the provider


def test_the_api_gives_a_customer_its_controls_without_reasons_and_staff_everything(world, make_user):
    from django.test import Client

    from art28.core.services import api_token_create
    from tests.conftest import TEST_ACTOR

    def api(user):
        _, secret = api_token_create(actor=TEST_ACTOR, user=user, name="test")
        return Client(headers={"Authorization": f"Bearer {secret}"})

    alice = api(world.session_user)
    mine = alice.get("/api/v1/evidence/my/controls").json()
    assert [(c["ref"], c["status"], c["evidence_age_days"]) for c in mine] == [("tom-b-tenant-isolation", "failing", 1)]
    assert "reasons" not in mine[0]
    assert alice.get("/api/v1/evidence/controls").status_code == 403
    staff = api(make_user("dpo@example-hosting.ch", Role.DPO))
    failing = staff.get("/api/v1/evidence/controls?status=failing").json()
    assert [c["ref"] for c in failing] == ["tom-b-tenant-isolation"]
    assert failing[0]["reasons"] == ["the test.isolation collector: breach found on BETA's tenant"]
    assert staff.get("/api/v1/evidence/controls?status=green").status_code == 422


def test_a_customer_downloads_its_own_signed_pack_with_nothing_of_another_customer(
    world, register, signing_key, tmp_path
):
    import zipfile

    from art28.core.models import AuditEntry, Organisation
    from art28.core.signing import provider_public_key
    from art28.evidence.verify import pack_verify

    acme, beta = Organisation.objects.get(ref="ACME"), Organisation.objects.get(ref="BETA")
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    def attestations(since, until):
        for org in (acme, beta):
            yield Collected(key=f"att-{org.ref}", title=f"attestation of {org.ref}", effective_at=at(yesterday),
                            data={"customer": org.ref}, organisation_id=org.pk,
                            attachment=(f"att-{org.ref}.json", f'{{"for": "{org.ref}"}}'.encode()))  # fmt: skip

    register("test.attestations", attestations)
    evidence_collect(actor=SystemActor("test"), until=timezone.now())
    response = world.post("/portal/controls/pack")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    path = tmp_path / "pack.zip"
    path.write_bytes(b"".join(response.streaming_content))
    assert pack_verify(path, provider_public_key()).ok
    with zipfile.ZipFile(path) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"att-ACME" in everything and b"BETA" not in everything
    assert AuditEntry.objects.filter(action="evidence.pack", organisation_id=acme.pk).exists()
    assert world.get("/portal/controls/pack").status_code == 405

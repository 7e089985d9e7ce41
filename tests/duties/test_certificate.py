"""The deletion certificate (GDPR Art. 28(3)(g)): signed, checkable offline, refused when altered; and the
inventory import refuses to place the data of a customer whose deletion is certified."""

from __future__ import annotations

import base64
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from art28.core.signing import provider_public_key, public_key_pem
from art28.duties.certificate import certificate_verify
from art28.duties.services import deletion_item_mark, end_of_contract_request
from art28.inventory.importers import ImportFailed, import_inventory
from art28.inventory.models import Placement
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(world, acme_admin, operations, signing_key):
    case = end_of_contract_request(actor=acme_admin, customer=world.acme, choice="delete",
                                   contract_ends_on=timezone.localdate())  # fmt: skip
    for item in case.items.filter(method="delete"):
        deletion_item_mark(actor=operations, item=item)
    case.refresh_from_db()
    return case


def test_the_certificate_names_the_customer_each_place_and_the_backups_still_to_expire(certified):
    result = certificate_verify(certified.certificate, provider_public_key())
    assert result.ok, result.reason
    statement = result.statement
    assert statement["type"] == "art28/deletion-certificate" and statement["reference"] == certified.reference
    assert statement["customer"] == {"ref": "ACME", "name": "Acme Sàrl"}
    today = timezone.localdate().isoformat()
    assert sorted((d["where"], d["deleted_on"]) for d in statement["deleted"]) == [
        ("FRA1", today), ("fra-backup-2", today), ("gva-db-1", today), ("gva-vol-1", today), ("zrh-bucket-1", today),
    ]  # fmt: skip
    [backup] = statement["backups_to_expire"]
    assert backup["where"] == "zrh-backup-1" and backup["copy_of"] == "gva-db-1, gva-vol-1"
    assert backup["expires_on"] == (timezone.localdate() + __import__("datetime").timedelta(days=90)).isoformat()
    assert statement["retained"] == [] and statement["scope"] == "whole contract"


def _tamper(document: str, change) -> str:
    signed = json.loads(document)
    change(signed)
    return json.dumps(signed)


def test_a_tampered_certificate_fails_verification(certified):
    key = provider_public_key()

    def later_day(signed):
        signed["attestation"]["deleted"][0]["deleted_on"] = "2020-01-01"

    def forged_payload(signed):
        statement = dict(signed["attestation"], backups_to_expire=[])
        payload = json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        signed["payload"], signed["attestation"] = base64.b64encode(payload).decode(), statement

    readable = certificate_verify(_tamper(certified.certificate, later_day), key)
    assert not readable.ok and "differs from the signed payload" in readable.reason
    forged = certificate_verify(_tamper(certified.certificate, forged_payload), key)
    assert not forged.ok and "signature does not match" in forged.reason


def test_the_command_checks_it_offline_with_the_published_key(certified, tmp_path, client):
    path, pem = tmp_path / "certificate.json", tmp_path / "key.pem"
    path.write_text(certified.certificate)
    pem.write_bytes(client.get("/trust/attestation-key.pem").content)
    assert pem.read_text() == public_key_pem(provider_public_key())
    out = io.StringIO()
    call_command("deletion_certificate_verify", str(path), "--public-key", str(pem), stdout=out)
    assert out.getvalue().startswith(f"valid: deletion certificate {certified.reference} for ACME")
    assert "5 deleted, 1 backup(s) to expire" in out.getvalue()
    path.write_text(_tamper(certified.certificate, lambda s: s["attestation"].update(customer={"ref": "EVIL"})))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("deletion_certificate_verify", str(path), "--public-key", str(pem), stderr=err)
    assert exit_.value.code == 1 and err.getvalue().startswith("invalid:")


def test_a_residency_attestation_is_not_a_deletion_certificate(world, signing_key):
    from art28.residency.services import attestation_issue

    attestation = attestation_issue(actor=TEST_ACTOR, organisation=world.beta)
    result = certificate_verify(attestation.document, provider_public_key())
    assert not result.ok and "not a deletion certificate" in result.reason


def test_the_import_refuses_to_place_a_certified_customers_data_again(certified, tmp_path):
    (tmp_path / "placements.csv").write_text(
        "customer,asset,data_categories,subjects,records\nBETA,gva-vm-2,contact,50,60\nACME,gva-db-1,health,100,300\n"
    )
    before = set(Placement.objects.values_list("pk", flat=True))
    with pytest.raises(ImportFailed) as failed:
        import_inventory(tmp_path, actor=TEST_ACTOR)
    [problem] = [str(p) for p in failed.value.problems]
    assert problem.startswith("placements.csv:3: customer: customer 'ACME': its data was deleted at the end of its")
    assert certified.reference in problem
    assert set(Placement.objects.values_list("pk", flat=True)) == before  # nothing changed, BETA's line neither

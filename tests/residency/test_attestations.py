"""Signed residency attestations (S1, "verified, not declared"): issue, verify, tamper, PDF."""

import base64
import io
import json
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string

from art28.core.models import AuditEntry
from art28.core.signing import provider_public_key, public_key_pem, sign_statement
from art28.residency.models import Attestation
from art28.residency.pdf import PDF_ROW_LIMIT, attestation_pdf, attestation_pdf_context
from art28.residency.services import attestation_issue
from tests.conftest import TEST_ACTOR
from tests.residency.fixtures import WORLD_AUDIT

pytestmark = pytest.mark.django_db
# The command docs/attestations.md and the trust page give, word for word.
OPENSSL_VERIFY = "openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in payload.bin -sigfile sig.bin"


def verify_cli(path: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("attestation_verify", str(path), *args, stdout=out, stderr=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def acme_attestation(world, signing_key) -> Attestation:
    return attestation_issue(actor=TEST_ACTOR, organisation=world.acme)


@pytest.fixture
def attestation_file(acme_attestation, tmp_path) -> Path:
    path = tmp_path / "att.json"
    path.write_text(acme_attestation.document, encoding="utf-8")
    return path


def test_an_attestation_states_where_the_data_is_and_the_violations(acme_attestation):
    statement = json.loads(acme_attestation.document)["attestation"]
    assert statement["customer"] == {"ref": "ACME", "name": "Acme Sàrl"}
    assert statement["policy"] == {"allowed_countries": ["CH"], "source": "provider-default"}
    assert statement["countries"] == ["CH", "DE"]
    assert [p["asset"] for p in statement["placements"]] == ["fra-vol-1", "gva-vol-1"]
    assert {(f["from_asset"], f["destination"]) for f in statement["flows"]} == {
        ("gva-host-1", "gva-backup-1"),
        ("gva-backup-1", "FRA1"),
    }
    assert statement["violations"] == [v for v in WORLD_AUDIT if v["customer"] == "ACME"]
    assert statement["compliant"] is False and acme_attestation.compliant is False
    assert AuditEntry.objects.filter(action="attestation.issue", organisation_id=acme_attestation.organisation_id)


def test_verify_accepts_an_untouched_file(acme_attestation, attestation_file):
    code, out = verify_cli(attestation_file)
    as_of = json.loads(acme_attestation.document)["attestation"]["as_of"]
    assert code == 0
    assert out.strip() == f"valid: attestation {acme_attestation.public_id} for ACME as of {as_of}, compliant: no"


def test_verify_says_compliant_yes_for_a_compliant_customer(world, signing_key, tmp_path, make_org):
    attestation = attestation_issue(actor=TEST_ACTOR, organisation=make_org("CLEAN"))
    path = tmp_path / "clean.json"
    path.write_text(attestation.document)
    as_of = json.loads(attestation.document)["attestation"]["as_of"]
    assert verify_cli(path) == (
        0,
        f"valid: attestation {attestation.public_id} for CLEAN as of {as_of}, compliant: yes\n",
    )


def _flip(text: str, start: int) -> str:
    """Change the base64 character at ``start`` to another base64 character (still decodable)."""
    return text[:start] + ("B" if text[start] == "A" else "A") + text[start + 1 :]


def test_verify_catches_one_changed_character_in_the_payload(attestation_file):
    document = json.loads(attestation_file.read_text())
    document["payload"] = _flip(document["payload"], len(document["payload"]) // 2)
    attestation_file.write_text(json.dumps(document, indent=2, ensure_ascii=False))
    code, out = verify_cli(attestation_file)
    assert code == 1
    assert "invalid: the signature does not match the payload" in out


def test_verify_catches_one_changed_character_in_the_signature(attestation_file):
    document = json.loads(attestation_file.read_text())
    document["signature"] = _flip(document["signature"], 10)
    attestation_file.write_text(json.dumps(document, indent=2, ensure_ascii=False))
    code, out = verify_cli(attestation_file)
    assert code == 1
    assert "invalid: the signature does not match the payload" in out


def test_verify_catches_one_changed_character_in_the_readable_part(attestation_file):
    text = attestation_file.read_text()
    assert text.count('"name": "Acme Sàrl"') == 1  # only in the readable part; the payload is base64
    attestation_file.write_text(text.replace('"name": "Acme Sàrl"', '"name": "Acme Sàrm"'))
    code, out = verify_cli(attestation_file)
    assert code == 1
    assert "readable 'attestation' differs from the signed payload" in out


def test_verify_rejects_a_file_signed_by_another_key(world, signing_key, tmp_path):
    statement = json.loads(attestation_issue(actor=TEST_ACTOR, organisation=world.acme).document)["attestation"]
    forged = tmp_path / "forged.json"
    forged.write_text(sign_statement(statement, Ed25519PrivateKey.generate()))
    code, out = verify_cli(forged)
    assert code == 1
    assert "invalid: signed with key" in out


def test_verify_with_an_explicit_public_key(attestation_file, tmp_path):
    key = tmp_path / "key.pem"
    key.write_text(public_key_pem(provider_public_key()))
    assert verify_cli(attestation_file, "--public-key", str(key))[0] == 0
    other = tmp_path / "other.pem"
    other.write_text(public_key_pem(Ed25519PrivateKey.generate().public_key()))
    assert verify_cli(attestation_file, "--public-key", str(other))[0] == 1


def test_verify_explains_unreadable_input(tmp_path, signing_key):
    code, out = verify_cli(tmp_path / "missing.json")
    assert code == 1 and "cannot read" in out
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    code, out = verify_cli(garbage)
    assert code == 1 and "not an art28 attestation" in out


def test_openssl_alone_verifies_the_signature_as_documented(attestation_file, tmp_path):
    """docs/attestations.md: payload and signature decoded from base64, then `openssl pkeyutl -verify -rawin`."""
    document = json.loads(attestation_file.read_text())
    (tmp_path / "payload.bin").write_bytes(base64.b64decode(document["payload"]))
    (tmp_path / "sig.bin").write_bytes(base64.b64decode(document["signature"]))
    (tmp_path / "key.pem").write_text(public_key_pem(provider_public_key()))
    command = [
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "key.pem",
        "-rawin",
        "-in",
        "payload.bin",
        "-sigfile",
        "sig.bin",
    ]
    ok = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and "Signature Verified Successfully" in ok.stdout
    (tmp_path / "payload.bin").write_bytes(base64.b64decode(document["payload"]).replace(b"ACME", b"ACMF"))
    tampered = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert tampered.returncode != 0


def test_the_pdf_is_a_pdf(acme_attestation):
    assert attestation_pdf(acme_attestation).startswith(b"%PDF")


def test_the_pdf_says_what_was_signed_with_how_to_verify(acme_attestation):
    context = attestation_pdf_context(acme_attestation, key_url="https://art28.example/trust/attestation-key.pem")
    html = render_to_string("residency/attestation_pdf.html", context)
    document = json.loads(acme_attestation.document)
    assert "Compliant: no" in html
    assert document["signature"] in html and document["key_id"] in html
    assert "https://art28.example/trust/attestation-key.pem" in html
    assert "openssl pkeyutl -verify" in html


def test_the_pdf_caps_long_lists_and_points_to_the_json(world, signing_key):
    from art28.inventory.models import Asset, AssetKind, Placement

    assets = Asset.objects.bulk_create(
        Asset(ref=f"gva-extra-{i:04}", kind=AssetKind.VOLUME, parent=world.inventory.assets["gva-host-1"])
        for i in range(PDF_ROW_LIMIT + 5)
    )
    Placement.objects.bulk_create(Placement(customer=world.beta, asset=a) for a in assets)
    world.inventory.refresh()
    attestation = attestation_issue(actor=TEST_ACTOR, organisation=world.beta)
    context = attestation_pdf_context(attestation)
    assert len(context["placements"]) == PDF_ROW_LIMIT
    assert context["placements_more"] == 7  # 205 + zrh-vol-1 + orphan-vol-1 - 200
    assert "and 7 more — see the signed JSON." in render_to_string("residency/attestation_pdf.html", context)
    assert attestation_pdf(attestation).startswith(b"%PDF")


def test_issue_cli_writes_the_signed_json_and_records_it(world, signing_key, tmp_path):
    output = tmp_path / "acme.json"
    out = io.StringIO()
    call_command("attestation_issue", "ACME", "--output", str(output), stdout=out)
    attestation = Attestation.objects.get()
    assert output.read_text() == attestation.document
    as_of = attestation.as_of.isoformat()
    assert f"attestation {attestation.public_id} for ACME as of {as_of} written to {output} (compliant: no)" in (
        out.getvalue()
    )
    assert verify_cli(output)[0] == 0
    entry = AuditEntry.objects.get(action="attestation.issue")
    assert entry.actor_label.startswith("cli:attestation-issue")


def test_issue_cli_prints_the_document_without_output(world, signing_key):
    out = io.StringIO()
    call_command("attestation_issue", "BETA", stdout=out)
    assert out.getvalue() == Attestation.objects.get().document


def test_issue_cli_refuses_an_unknown_customer(world, signing_key):
    with pytest.raises(CommandError, match="no customer with reference 'NOPE'"):
        call_command("attestation_issue", "NOPE")


def test_the_example_in_the_docs_verifies_with_the_key_printed_there():
    """docs/attestations.md shows a real document and its key; a changed byte there would be a lie."""
    from art28.core.signing import load_public_key, verify_document

    text = (Path(__file__).parents[2] / "docs" / "attestations.md").read_text(encoding="utf-8")
    document = text.split("```json\n", 1)[1].split("\n```", 1)[0]
    pem = text[text.index("-----BEGIN PUBLIC KEY-----") : text.index("-----END PUBLIC KEY-----") + 24]
    result = verify_document(document, load_public_key(pem.encode()))
    assert result.ok, result.reason
    assert result.statement is not None and result.statement["customer"]["ref"] == "GAMMA"

"""``/trust/patching.json`` (S7): the fleet's time-to-patch per severity and the service levels, signed
with the attestation key so that anyone can check offline that the provider said it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from art28.core.audit import SystemActor
from art28.core.signing import provider_public_key, verify_document
from art28.patching.advisories import advisories_import
from art28.patching.packages import packages_import
from tests.patching.fleet import RELEASE, import_hosts, write_json

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")


@pytest.fixture
def remediated(tmp_path):
    """vm-a upgraded foo past a high fix 10 days after the fix was published."""
    import_hosts(tmp_path, ["vm-a"])
    now = dt.datetime.now(dt.UTC)
    (tmp_path / "vm-a.txt").write_text("ii \tfoo\t1.0-1\t\t\n")
    packages_import(tmp_path / "vm-a.txt", actor=ACTOR, release=RELEASE, taken_at=now - dt.timedelta(days=40))
    tracker = {"foo": {"CVE-2026-6000": {"releases": {RELEASE: {"status": "resolved", "fixed_version": "1.0-2",
                                                               "urgency": "high"}}}}}  # fmt: skip
    advisories_import(write_json(tmp_path / "t.json", tracker), format="debian-tracker", actor=ACTOR)
    published = (now - dt.timedelta(days=30)).isoformat()
    osv = {"id": "DSA-6300-1", "aliases": ["CVE-2026-6000"], "published": published,
           "affected": [{"package": {"ecosystem": "Debian:12", "name": "foo"},
                         "ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": "1.0-2"}]}]}]}  # fmt: skip
    advisories_import(write_json(tmp_path / "osv.json", osv), format="osv", actor=ACTOR)
    (tmp_path / "vm-a.txt").write_text("ii \tfoo\t1.0-2\t\t\n")
    packages_import(tmp_path / "vm-a.txt", actor=ACTOR, release=RELEASE, taken_at=now - dt.timedelta(days=20))


def test_the_signed_record_verifies_and_states_the_figures_and_levels(client, signing_key, remediated):
    response = client.get("/trust/patching.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    text = response.content.decode()
    result = verify_document(text, provider_public_key())
    assert result.ok, result.reason
    statement = result.statement
    assert statement["type"] == "art28/patch-record"
    assert statement["service_levels_days"] == {"critical": 7, "high": 30, "medium": 90, "low": 180}
    high = next(s for s in statement["severities"] if s["severity"] == "high")
    assert (high["remediations"], high["median_days"], high["within_service_level"]) == (1, 10.0, 1.0)
    # The readable copy is the signed statement itself.
    assert json.loads(text)["attestation"] == statement


def test_without_a_signing_key_there_is_no_record_to_trust(client, settings, tmp_path):
    settings.ART28_SIGNING_KEY_FILE = tmp_path / "missing.pem"
    assert client.get("/trust/patching.json").status_code == 404


def test_attestation_verify_checks_the_record_offline(client, signing_key, remediated, tmp_path):
    import io

    from django.core.management import call_command

    path = tmp_path / "patching.json"
    path.write_bytes(client.get("/trust/patching.json").content)
    out = io.StringIO()
    call_command("attestation_verify", str(path), stdout=out)
    assert out.getvalue().startswith("valid: art28/patch-record generated at ")
    tampered = path.read_text().replace('"remediations": 1', '"remediations": 9')
    path.write_text(tampered)
    with pytest.raises(SystemExit) as refused:
        call_command("attestation_verify", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert refused.value.code == 1

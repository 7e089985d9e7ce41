"""`art28 breach-impact`, `breach-declare`, `breach-notify`, `breach-register` (docs/breaches.md)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import formats, translation

from art28.breaches.models import AffectedCustomer, Incident
from art28.core.models import AuditEntry
from art28.notify.models import Message
from tests.breaches.fixtures import hours_ago

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_breach_impact_json_has_exactly_the_documented_shape(breach_world):
    code, out, _ = run(
        "breach_impact",
        "--asset",
        "gva-host-1",
        "zrh-bucket-2",
        "--site",
        "FRA1",
        "--service",
        "Managed databases",
        "--json",
    )
    assert code == 0
    assert json.loads(out) == {
        "customers": [
            {
                "customer": "ACME",
                "assets": ["gva-db-1", "gva-vol-1"],
                "data_categories": ["contact", "customer", "health"],
                "subject_categories": ["customers", "patients", "website visitors"],
                "subjects": 1300,
                "records": 5300,
            },
            {
                "customer": "BETA",
                "assets": ["fra-vm-1"],
                "data_categories": ["billing"],
                "subject_categories": ["customers"],
                "subjects": 7,
                "records": 8,
            },
            {
                "customer": "DELTA",
                "assets": ["fra-vm-1"],
                "data_categories": ["contact"],
                "subject_categories": [],
                "subjects": 1,
                "records": 1,
            },
            {
                "customer": "GAMMA",
                "assets": ["zrh-bucket-2"],
                "data_categories": ["contact"],
                "subject_categories": ["members"],
                "subjects": 3,
                "records": 4,
            },
        ],
        "totals": {"customers": 4, "subjects": 1311, "records": 5313},
    }
    data = json.loads(out)
    assert list(data) == ["customers", "totals"]
    assert all(
        list(c) == ["customer", "assets", "data_categories", "subject_categories", "subjects", "records"]
        for c in data["customers"]
    )
    assert list(data["totals"]) == ["customers", "subjects", "records"]


def test_breach_impact_repeated_flags_add_up(breach_world):
    _, together, _ = run("breach_impact", "--site", "GVA1", "ZRH1", "--json")
    _, repeated, _ = run("breach_impact", "--site", "GVA1", "--site", "ZRH1", "--json")
    assert json.loads(together) == json.loads(repeated)


def test_breach_impact_unknown_refs_exit_2_and_are_named(breach_world):
    code, out, err = run("breach_impact", "--asset", "ghost-1", "--service", "Teleportation", "--json")
    assert code == 2 and out == ""
    assert "unknown asset 'ghost-1'" in err and "unknown service 'Teleportation'" in err


def test_breach_impact_without_scope_exits_2(breach_world):
    code, _, err = run("breach_impact", "--json")
    assert code == 2 and "at least one" in err


def test_breach_impact_table(breach_world):
    code, out, _ = run("breach_impact", "--site", "GVA1")
    assert code == 0 and "ACME" in out and "2 customers affected, about 1’350 data subjects and 5’360 records." in out


def test_breach_declare_prints_the_incident_with_its_ref_and_impact(breach_world):
    code, out, _ = run(
        "breach_declare",
        "--title", "Ransomware on the GVA1 hosts",
        "--aware-at", hours_ago(1).isoformat(),
        "--started-at", hours_ago(4).isoformat(),
        "--nature", "confidentiality,availability",
        "--site", "GVA1",
        "--asset", "zrh-bucket-2",
        "--description", "Encrypted volumes.",
        "--json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    incident = Incident.objects.get()
    assert data["ref"] == incident.ref and data["ref"].startswith("INC-")
    assert data["nature"] == ["confidentiality", "availability"]
    assert data["scope"] == {"assets": ["zrh-bucket-2"], "sites": ["GVA1"], "services": []}
    assert data["impact"] == {"customers": 3, "subjects": 1353, "records": 5364}
    assert AuditEntry.objects.get(action="incident.declare").actor_label.startswith("cli:")


def test_breach_declare_bad_input_exits_2_and_declares_nothing(breach_world):
    code, _, err = run(
        "breach_declare", "--title", "x", "--aware-at", hours_ago(1).isoformat(),
        "--started-at", hours_ago(1).isoformat(), "--ended-at", hours_ago(2).isoformat(), "--nature", "integrity",
    )  # fmt: skip
    assert code == 2 and "cannot end" in err
    code, _, err = run(
        "breach_declare", "--title", "x", "--aware-at", "yesterday", "--started-at", hours_ago(1).isoformat(),
        "--nature", "integrity",
    )  # fmt: skip
    assert code == 2 and "--aware-at" in err
    assert not Incident.objects.exists()


def test_breach_notify_freezes_composes_and_sends(breach_world, tmp_path):
    run(
        "breach_declare", "--title", "Leak", "--aware-at", hours_ago(1).isoformat(),
        "--started-at", hours_ago(2).isoformat(), "--nature", "confidentiality", "--site", "GVA1",
    )  # fmt: skip
    ref = Incident.objects.get().ref
    code, out, _ = run("breach_notify", ref)
    assert code == 0 and f"{ref} notice no. 1 (first notice) sent to 2 customers (4 deliveries queued)." in out
    assert AffectedCustomer.objects.count() == 2
    body = tmp_path / "update-fr.txt"
    body.write_text("Mise à jour pour {customer_name}: {subjects} personnes.", encoding="utf-8")
    code, out, _ = run("breach_notify", ref, "--message-file", f"fr={body}", "--json")
    assert code == 0 and json.loads(out) == {
        "incident": ref, "notice": 2, "kind": "update", "customers": 2, "deliveries": 4,
    }  # fmt: skip
    latest = Message.objects.filter(organisation=breach_world.acme).order_by("-source_id").first()
    with translation.override("fr"):
        assert (
            latest.body_text
            == f"Mise à jour pour Acme Sàrl: {formats.number_format(1300, force_grouping=True)} personnes."
        )
    assert Message.objects.filter(organisation__in=[breach_world.gamma, breach_world.delta]).count() == 0


def test_breach_notify_unknown_incident_exits_2(db):
    code, _, err = run("breach_notify", "INC-1999-0001")
    assert code == 2 and "no incident" in err


def test_breach_register_csv(breach_world):
    run(
        "breach_declare", "--title", "Leak", "--aware-at", hours_ago(1).isoformat(),
        "--started-at", hours_ago(2).isoformat(), "--nature", "confidentiality", "--site", "GVA1",
    )  # fmt: skip
    code, out, _ = run("breach_register", "--csv")
    assert code == 0 and out.splitlines()[0].startswith("ref,title,phase,nature")
    assert len(out.strip().splitlines()) == 2
    code, out, _ = run("breach_register")
    assert "Leak" in out and "1 incidents." in out


def test_the_example_in_docs_breaches_md_is_exact(breach_world):
    code, out, _ = run("breach_impact", "--asset", "gva-host-1", "--site", "FRA1", "--json")
    assert code == 0
    assert json.loads(out) == {
        "customers": [
            {
                "customer": "ACME",
                "assets": ["gva-db-1", "gva-vol-1"],
                "data_categories": ["contact", "customer", "health"],
                "subject_categories": ["customers", "patients", "website visitors"],
                "subjects": 1300,
                "records": 5300,
            },
            {
                "customer": "BETA",
                "assets": ["fra-vm-1"],
                "data_categories": ["billing"],
                "subject_categories": ["customers"],
                "subjects": 7,
                "records": 8,
            },
            {
                "customer": "DELTA",
                "assets": ["fra-vm-1"],
                "data_categories": ["contact"],
                "subject_categories": [],
                "subjects": 1,
                "records": 1,
            },
        ],
        "totals": {"customers": 3, "subjects": 1308, "records": 5309},
    }

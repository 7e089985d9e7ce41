"""The audit trail is a SHA-256 hash chain; `art28 audit-verify` names the first entry that breaks it."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from art28.core.audit import GENESIS_HASH, audit_record, verify_chain
from art28.core.models import AuditEntry
from art28.core.services import organisation_update
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db


def _verify_cli() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_each_service_write_appends_a_chained_entry(org_a):
    organisation_update(actor=TEST_ACTOR, organisation=org_a, name="Acme SA")
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.action for e in entries] == ["organisation.create", "organisation.update"]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].hash
    assert entries[1].before == {"name": "Acme Sàrl"}
    assert entries[1].after == {"name": "Acme SA"}
    assert entries[1].organisation_id == org_a.pk


def test_an_update_that_changes_nothing_writes_no_entry(org_a):
    organisation_update(actor=TEST_ACTOR, organisation=org_a, name=org_a.name)
    assert AuditEntry.objects.filter(action="organisation.update").count() == 0


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction(org_a):
    with pytest.raises(RuntimeError):
        audit_record(actor=TEST_ACTOR, action="x", obj=org_a)


def test_verify_accepts_an_untouched_chain(org_a, org_b):
    report = verify_chain()
    assert report.ok and report.checked == 2
    code, out = _verify_cli()
    assert code == 0 and "2 entries" in out


def test_verify_names_the_entry_whose_byte_changed(org_a, org_b):
    organisation_update(actor=TEST_ACTOR, organisation=org_a, name="Acme SA")
    second = AuditEntry.objects.get(seq=2)
    # One changed byte in the stored JSON, written behind the application's back.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET object_repr = %s WHERE seq = 2", [second.object_repr.replace("B", "C", 1)]
        )
    report = verify_chain()
    assert not report.ok and report.first_break.seq == 2
    code, out = _verify_cli()
    assert code == 1 and "#2" in out


def test_verify_catches_a_deleted_entry(org_a, org_b):
    organisation_update(actor=TEST_ACTOR, organisation=org_a, name="Acme SA")
    AuditEntry.objects.filter(seq=2).delete()
    report = verify_chain()
    assert report.first_break is not None and report.first_break.seq == 3


def test_verify_catches_a_cut_tail(org_a, org_b):
    AuditEntry.objects.filter(seq=2).delete()
    report = verify_chain()
    assert report.first_break is not None and "removed at the end" in report.first_break.reason


def test_verify_catches_a_rewritten_before_value(org_a):
    organisation_update(actor=TEST_ACTOR, organisation=org_a, name="Acme SA")
    with transaction.atomic():
        AuditEntry.objects.filter(seq=2).update(before={"name": "Someone else"})
    assert verify_chain().first_break.seq == 2

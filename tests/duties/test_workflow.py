"""The end-of-contract workflow (GDPR Art. 28(3)(g); nFADP Art. 9): return, deletion item by item, data
kept on a legal ground, and the certificate issued once nothing is left to do; each step audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from art28.breaches.impact import impact_of_scope, resolve_scope
from art28.core.models import AuditEntry
from art28.duties.models import EndOfContract
from art28.duties.services import (
    deletion_certificate_issue,
    deletion_item_mark,
    deletion_item_retain,
    end_of_contract_request,
    end_of_contract_return_record,
)
from art28.inventory.models import Flow, InventorySync, Placement, PlacementPeriod
from art28.notify.models import Message

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def delete_all(case, actor, on=None):
    for item in case.items.filter(method="delete"):
        deletion_item_mark(actor=actor, item=item, deleted_on=on or today())


def test_a_customer_viewer_or_another_customer_cannot_end_the_contract(world, acme_viewer, beta_admin):
    for actor in (acme_viewer, beta_admin):
        with pytest.raises(PermissionDenied):
            end_of_contract_request(actor=actor, customer=world.acme, choice="delete", contract_ends_on=today())
    assert not EndOfContract.objects.exists()


def test_bad_requests_change_nothing(world, acme_admin):
    with pytest.raises(ValidationError) as bad:
        end_of_contract_request(actor=acme_admin, customer=world.acme, choice="burn", contract_ends_on=today())
    assert "choice" in bad.value.message_dict
    end_of_contract_request(actor=acme_admin, customer=world.acme, choice="delete", contract_ends_on=today())
    with pytest.raises(ValidationError) as twice:
        end_of_contract_request(actor=acme_admin, customer=world.acme, choice="delete", contract_ends_on=today())
    assert "under way" in str(twice.value)
    assert EndOfContract.objects.count() == 1


def test_nothing_is_deleted_before_the_contract_ends_and_the_last_day_is_the_first_allowed(
    world, acme_admin, operations
):
    """The customer's data is processed until the contract's end: marking the day before is refused, the
    day itself is allowed (a flipped < / <= fails here); a day in the future is refused too."""
    ends = today() - dt.timedelta(days=3)
    case = end_of_contract_request(actor=acme_admin, customer=world.acme, choice="delete", contract_ends_on=ends)
    item = case.items.get(where="gva-db-1")
    with pytest.raises(ValidationError, match="not before that day"):
        deletion_item_mark(actor=operations, item=item, deleted_on=ends - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="future"):
        deletion_item_mark(actor=operations, item=item, deleted_on=today() + dt.timedelta(days=1))
    deletion_item_mark(actor=operations, item=item, deleted_on=ends)
    item.refresh_from_db()
    assert item.deleted_on == ends and item.deleted_by_label == operations.email


def test_marking_a_placement_deleted_ends_it_and_keeps_its_history(world, acme_admin, operations):
    case = end_of_contract_request(actor=acme_admin, customer=world.acme, choice="delete", contract_ends_on=today())
    placement = Placement.objects.get(customer=world.acme, asset__ref="gva-db-1")
    # Its open period, as an import would have written it (the fixture builds rows without history).
    PlacementPeriod.objects.create(placement_id=placement.pk, customer=world.acme, asset=placement.asset,
                                   valid_from=timezone.now() - dt.timedelta(days=400))  # fmt: skip
    deletion_item_mark(actor=operations, item=case.items.get(where="gva-db-1"))
    assert not Placement.objects.filter(pk=placement.pk).exists()
    period = PlacementPeriod.objects.filter(placement_id=placement.pk).latest("valid_from")
    assert period.valid_to is not None  # closed, not erased
    change = InventorySync.objects.latest("at")
    assert change.mode == "deletion" and change.counts["placements"] == {"ended": 1}
    touched = impact_of_scope(resolve_scope(assets=["gva-db-1"]))
    assert not any(c.customer == "ACME" for c in touched.customers)


def test_the_certificate_comes_when_the_last_item_is_done(world, acme_admin, operations, dpo, signing_key):
    case = end_of_contract_request(actor=acme_admin, customer=world.acme, choice="delete", contract_ends_on=today())
    items = list(case.items.filter(method="delete").exclude(where="zrh-bucket-1"))
    for item in items:
        deletion_item_mark(actor=operations, item=item)
    case.refresh_from_db()
    assert case.status == "deleting" and not case.certificate  # zrh-bucket-1 is still there
    with pytest.raises(PermissionDenied):
        deletion_item_retain(actor=operations, item=case.items.get(where="zrh-bucket-1"), ground="x",
                             until=today() + dt.timedelta(days=1))  # fmt: skip
    with pytest.raises(ValidationError):
        deletion_item_retain(actor=dpo, item=case.items.get(where="zrh-bucket-1"), ground=" ", until=today())
    deletion_item_retain(actor=dpo, item=case.items.get(where="zrh-bucket-1"),
                         ground="CO Art. 958f: accounting records, ten years",
                         until=today() + dt.timedelta(days=3650))  # fmt: skip
    case.refresh_from_db()
    assert case.status == "complete" and case.certificate
    # The kept placement is still in the inventory: it is still there.
    assert Placement.objects.filter(customer=world.acme, asset__ref="zrh-bucket-1").exists()
    # Flows that carried only ACME's data end with the case; those carrying others' stay.
    assert not Flow.objects.filter(asset__ref="gva-vm-1").exists()
    assert Flow.objects.filter(asset__ref="gva-host-2").exists()  # BETA's backups
    assert Flow.objects.filter(asset__ref="zrh-backup-1").exists()  # the store's replica: others' backups
    assert Flow.objects.filter(asset__ref="zrh-cluster-1").exists()  # the kept bucket and GAMMA's


def test_a_case_with_nothing_to_delete_is_certified_by_hand_once_the_contract_ended(world, make_org, operations,
                                                                                      signing_key):  # fmt: skip
    from art28.core.audit import SystemActor

    empty = make_org("EMPTY", name="Empty GmbH")
    case = end_of_contract_request(actor=SystemActor("t"), customer=empty, choice="delete",
                                   contract_ends_on=today() + dt.timedelta(days=1))  # fmt: skip
    with pytest.raises(ValidationError, match="runs until"):
        deletion_certificate_issue(actor=operations, case=case)
    EndOfContract.objects.filter(pk=case.pk).update(deletion_from=today())
    case.refresh_from_db()
    deletion_certificate_issue(actor=operations, case=case)
    case.refresh_from_db()
    assert case.status == "complete"


def test_a_return_comes_first_and_moves_every_planned_day(world, acme_admin, operations, signing_key):
    ends = today() - dt.timedelta(days=10)
    case = end_of_contract_request(actor=acme_admin, customer=world.acme, choice="return", contract_ends_on=ends)
    assert case.status == "returning" and case.return_by == ends + dt.timedelta(days=30)
    with pytest.raises(ValidationError, match="not been returned"):
        deletion_item_mark(actor=operations, item=case.items.get(where="gva-db-1"), deleted_on=today())
    with pytest.raises(ValidationError):
        end_of_contract_return_record(actor=operations, case=case, returned_on=today(), note="")
    returned = today() - dt.timedelta(days=2)
    end_of_contract_return_record(actor=operations, case=case, returned_on=returned,
                                  note="SFTP export, 12 GB, SHA-256 9f2c…")  # fmt: skip
    case.refresh_from_db()
    assert case.status == "deleting" and case.deletion_from == returned
    assert case.items.get(where="zrh-backup-1").gone_on == returned + dt.timedelta(days=90)
    assert case.items.get(where="gva-db-1").gone_on == returned


def test_each_step_writes_the_audit_trail_and_the_customer_is_told(world, acme_admin, operations, signing_key):
    case = end_of_contract_request(actor=acme_admin, customer=world.acme, choice="delete", contract_ends_on=today())
    delete_all(case, operations)
    actions = list(AuditEntry.objects.filter(object_type="duties.endofcontract").values_list("action", flat=True))
    assert actions == ["duties.end_of_contract_request", *["duties.deletion_item_delete"] * 5,
                       "duties.deletion_certificate_issue"]  # fmt: skip
    entries = AuditEntry.objects.filter(object_type="duties.endofcontract")
    assert {e.organisation_id for e in entries} == {world.acme.pk}
    notice = Message.objects.get(topic="duties.deletion-certificate")
    assert notice.organisation == world.acme and notice.language == "fr"
    assert case.reference in notice.subject and "/portal/end-of-contract/" in notice.body_text
    assert "supprim" in notice.subject.lower()  # in French, ACME's language


def test_a_certified_case_changes_no_more(world, acme_admin, operations, signing_key):
    case = end_of_contract_request(actor=acme_admin, customer=world.acme, choice="delete", contract_ends_on=today())
    delete_all(case, operations)
    backup = case.items.get(where="zrh-backup-1")
    with pytest.raises(ValidationError, match="certified"):
        deletion_item_mark(actor=operations, item=backup)

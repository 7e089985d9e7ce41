"""The demo's ends of contract (GDPR Art. 28(3)(g); docs/duties.md): one customer whose deletion is certified
(its data gone, backups expiring with their rotation), one in the middle of it (its data returned, part of it
deleted). Neither is a customer the demo logins belong to: their portals keep their data."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.models import Organisation, User
from art28.core.signing import SigningKeyMissing, load_private_key
from art28.demo.logins import CUSTOMER_EMAILS
from art28.duties.audits import controller_audit_offer_evidence, controller_audit_request
from art28.duties.instructions import instruction_flag, instruction_record
from art28.duties.models import EndOfContract
from art28.duties.retention import backup_retention_set
from art28.duties.services import deletion_item_mark, end_of_contract_request, end_of_contract_return_record
from art28.inventory.models import Asset, AssetKind


def _candidates() -> list[Organisation]:
    """Customers with a few placements and not a demo login's, the smallest first after three."""
    logins = User.objects.filter(email__in=CUSTOMER_EMAILS).values_list("organisation_id", flat=True)
    found = (
        Organisation.objects.exclude(pk__in=[pk for pk in logins if pk])
        .annotate(held=Count("placements"))
        .filter(held__gte=2)
        .order_by("held", "ref")
    )
    return list(found[:2])


def load_demo_duties(actor: SystemActor) -> str:
    today = timezone.localdate()
    # Backup sets keep their copies for 35 days (the demo's rotation); the default is 30.
    for store in Asset.objects.filter(kind=AssetKind.BACKUP_SET, ended_at__isnull=True)[:3]:
        backup_retention_set(actor=actor, asset=store, service=None, days=35)
    candidates = _candidates()
    if len(candidates) < 2:
        return "ends of contract: not enough customers with data"
    finished, under_way = candidates
    lines = []
    try:
        load_private_key()
        signed = True
    except SigningKeyMissing:
        signed = False
    ended = end_of_contract_request(actor=actor, customer=finished, choice="delete",
                                    contract_ends_on=today - dt.timedelta(days=45),
                                    received_via="letter of the customer's board")  # fmt: skip
    if signed:
        for n, item in enumerate(ended.items.filter(method="delete")):
            deletion_item_mark(actor=actor, item=item, deleted_on=today - dt.timedelta(days=44 - n % 3))
    ended.refresh_from_db()
    lines.append(f"end of contract {ended.reference} ({finished.ref}): {ended.get_status_display()}")
    going = end_of_contract_request(actor=actor, customer=under_way, choice="return",
                                    contract_ends_on=today - dt.timedelta(days=12), received_via="portal")  # fmt: skip
    end_of_contract_return_record(actor=actor, case=going, returned_on=today - dt.timedelta(days=4),
                                  note="SFTP export (tar.zst, 3.2 GB), SHA-256 given to the customer")  # fmt: skip
    pending = list(going.items.filter(method="delete"))
    for item in pending[: len(pending) // 2]:
        deletion_item_mark(actor=actor, item=item, deleted_on=today - dt.timedelta(days=2))
    going.refresh_from_db()
    if going.status != EndOfContract.Status.DELETING:
        lines.append(f"  (note: {going.reference} is {going.status})")
    left = going.items.filter(deleted_on__isnull=True, method="delete").count()
    lines.append(f"end of contract {going.reference} ({under_way.ref}): returned, {left} place(s) still to delete")
    lines += _audit_and_instructions(actor, today)
    return "\n".join(lines)


def _audit_and_instructions(actor: SystemActor, today: dt.date) -> list[str]:
    """The demo customer's audit request, answered with an offer of evidence it has yet to accept, and its
    instructions: one in force from the DPA, one flagged as infringing the law and held for its answer."""
    login = User.objects.filter(email=CUSTOMER_EMAILS[0]).select_related("organisation").first()
    if login is None or login.organisation is None:
        return []
    customer = login.organisation
    audit = controller_audit_request(
        actor=actor, customer=customer, scope="Cloud servers and their backups at GVA1 and ZRH1; physical access.",
        proposed_from=today + dt.timedelta(days=45), proposed_to=today + dt.timedelta(days=46),
        auditor="Helvetic Audit AG (Lena Keller)", confidentiality="NDA signed by Helvetic Audit AG on 2026-11-20",
    )  # fmt: skip
    controller_audit_offer_evidence(actor=actor, audit=audit, note=(
        "Our evidence pack of the last twelve months (signed) and our ISO/IEC 27001:2022 certificate; an on-site "
        "visit remains possible if you maintain the audit."))  # fmt: skip
    instruction_record(actor=actor, customer=customer, source="dpa", given_on=today - dt.timedelta(days=300),
                       given_by="the DPA, annex 1", text="Process the personal data only to host the services "
                       "ordered; keep backups 35 days.")  # fmt: skip
    held = instruction_record(actor=actor, customer=customer, source="mail", given_on=today - dt.timedelta(days=3),
                              given_by="Marketing department (e-mail)", text="Send us the IP addresses and "
                              "user agents of every visitor of our shop, to enrich our marketing lists.")  # fmt: skip
    instruction_flag(actor=actor, instruction=held, reason=(
        "Using visitors' connection data for marketing has no legal basis and is a purpose incompatible with "
        "hosting (GDPR Art. 5(1)(b), Art. 6; nFADP Art. 6(3))."))  # fmt: skip
    return [f"audit {audit.reference} ({customer.ref}): evidence offered", f"instruction {held.reference} held"]

"""The deletion certificate (GDPR Art. 28(3)(g); nFADP Art. 9 with the DPA): what the provider signs when a
customer's data is gone, and how it is checked offline.

The statement names the customer, each placement and copy deleted with its day, the backups still to
expire with theirs, and anything kept on a legal ground with that ground; it is signed with the
attestation key (core.signing: the same envelope as residency attestations, verified by
``art28 deletion-certificate-verify FILE`` with the key published at /trust/attestation-key.pem).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from art28.core.audit import Actor, actor_label, audit_record, jsonable
from art28.core.dpo import dpo_profile
from art28.core.signing import Verification, sign_statement, verify_document
from art28.duties.models import DeletionItem, EndOfContract
from art28.inventory.ending import inventory_rows_end, placement_bar_set
from art28.notify.services import Draft, messages_create

STATEMENT_TYPE = "art28/deletion-certificate"
TOPIC = "duties.deletion-certificate"
SOURCE_TYPE = "duties.endofcontract"

# Flows (of a certified case) that carry nothing any more: no placement left on their asset or below it,
# and nothing landing there. They end with the case; a flow that still carries others' data stays.
_EMPTY_FLOWS = """
WITH RECURSIVE below(root_id, id) AS (
    SELECT f.asset_id, f.asset_id FROM inventory_flow f WHERE f.id IN ({ids})
    UNION
    SELECT below.root_id, child.id FROM below JOIN inventory_asset child ON child.parent_id = below.id
)
SELECT f.id FROM inventory_flow f
WHERE f.id IN ({ids})
  AND NOT EXISTS (SELECT 1 FROM below JOIN inventory_placement p ON p.asset_id = below.id
                  WHERE below.root_id = f.asset_id)
  AND NOT EXISTS (SELECT 1 FROM below JOIN inventory_flow g ON g.to_asset_id = below.id
                  WHERE below.root_id = f.asset_id)
"""


def _item(item: DeletionItem) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "kind": item.kind,
        "where": item.where,
        "site": item.site_label or None,
        "country": item.country or None,
    }
    if item.kind == DeletionItem.Kind.COPY:
        entry |= {"flow": item.flow_kind, "copy_of": item.origin}
    return entry


def certificate_statement(case: EndOfContract, *, issued_at: Any) -> dict[str, Any]:
    items = list(case.items.all())
    deleted = [item for item in items if item.deleted_on is not None]
    retained = [item for item in items if item.deleted_on is None and item.retained_ground]
    expiring = [item for item in items if item.state == "expiring"]
    services = sorted(case.services.values_list("name", flat=True))
    return {
        "type": STATEMENT_TYPE,
        "id": str(case.public_id),
        "reference": case.reference,
        "issued_at": jsonable(issued_at),
        "law": "GDPR Art. 28(3)(g); nFADP Art. 9",
        "issuer": {
            "name": settings.ART28_PROVIDER_NAME,
            "address": settings.ART28_PROVIDER_ADDRESS,
            "country": settings.ART28_PROVIDER_COUNTRY,
        },
        "customer": {"ref": case.customer.ref, "name": case.customer.name},
        "scope": {"services": services} if services else "whole contract",
        "choice": case.choice,
        "contract_ends_on": jsonable(case.contract_ends_on),
        "returned": {"on": jsonable(case.returned_on), "what": case.return_note} if case.returned_on else None,
        "deleted": [_item(i) | {"deleted_on": jsonable(i.deleted_on)} for i in deleted],
        "backups_to_expire": [_item(i) | {"expires_on": jsonable(i.gone_on)} for i in expiring],
        "retained": [
            _item(i) | {"legal_ground": i.retained_ground, "until": jsonable(i.retained_until)} for i in retained
        ],
    }


def _end_empty_flows(case: EndOfContract, actor_label: str) -> int:
    flow_ids = sorted({flow for item in case.items.all() for flow in item.flow_ids})
    if not flow_ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_EMPTY_FLOWS.replace("{ids}", ", ".join(map(str, flow_ids))))
        empty = [row[0] for row in cursor.fetchall()]
    if empty:
        inventory_rows_end(
            placement_ids=[], flow_ids=empty, at=timezone.now(), label=case.reference, actor_label=actor_label
        )
    return len(empty)


def _notice(case: EndOfContract) -> Draft:
    """The customer is told, in its language, that the certificate is ready and where to find it."""
    language = case.customer.language or "en"
    context = {
        "case": case,
        "provider_name": settings.ART28_PROVIDER_NAME,
        "portal_url": settings.ART28_BASE_URL.rstrip("/") + reverse("portal:end_of_contract"),
        "key_url": settings.ART28_BASE_URL.rstrip("/") + reverse("trust:attestation_key_pem"),
        "dpo_email": dpo_profile().email,
    }
    with translation.override(language):
        subject = render_to_string("duties/notice/certificate_subject.txt", context)
        body = render_to_string("duties/notice/certificate_body.txt", context)
    return Draft(
        organisation=case.customer,
        subject=" ".join(subject.split())[:300],
        body_text="\n".join(line.rstrip() for line in body.strip().splitlines()) + "\n",
        language=language,
        payload={"type": STATEMENT_TYPE, "id": str(case.public_id), "reference": case.reference},
    )


def certificate_issue(*, actor: Actor, case: EndOfContract) -> None:
    """Sign the certificate, end the flows that carry nothing any more, bar the customer's data from
    coming back (whole contract), tell the customer. Inside the caller's transaction, case locked."""
    now = timezone.now()
    label = actor_label(actor)
    case.certificate = sign_statement(certificate_statement(case, issued_at=now))
    case.completed_at, case.status = now, EndOfContract.Status.COMPLETE
    case.save(update_fields=["certificate", "completed_at", "status"])
    ended_flows = _end_empty_flows(case, label)
    if not case.services.exists():
        placement_bar_set(
            customer_id=case.customer_id,
            at=now,
            reason=f"its data was deleted at the end of its contract ({case.reference}, certified {now:%Y-%m-%d})",
        )
    messages_create(topic=TOPIC, drafts=[_notice(case)], source_type=SOURCE_TYPE, source_id=case.pk)
    audit_record(
        actor=actor,
        action="duties.deletion_certificate_issue",
        obj=case,
        object_repr=case.reference,
        organisation_id=case.customer_id,
        after={"reference": case.reference, "issued_at": now, "flows_ended": ended_flows},
    )


def certificate_verify(text: str | bytes, public_key: Any) -> Verification:
    """The signature, and that the statement is a deletion certificate."""
    result = verify_document(text, public_key)
    if result.ok and (not isinstance(result.statement, dict) or result.statement.get("type") != STATEMENT_TYPE):
        return Verification(False, "the signature is valid but the statement is not a deletion certificate")
    return result

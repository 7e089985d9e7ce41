"""Writes for residency: issuing signed attestations (S1, "verified, not declared")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, audit_record, jsonable
from art28.core.models import Organisation, User
from art28.core.signing import key_id, load_private_key, sign_statement
from art28.inventory.as_of import check_history
from art28.residency.models import Attestation
from art28.residency.moment import as_of as inventory_at
from art28.residency.selectors import organisation_residency

STATEMENT_TYPE = "art28/residency-attestation"


class AttestationRefused(ValueError):
    """The moment asked for cannot be attested: in the future, or before the inventory's history begins."""


def attestation_statement(
    *, organisation: Organisation, attestation_id: str, as_of: dt.datetime, issued_at: dt.datetime
) -> dict[str, Any]:
    """What the provider states, at ``issued_at``, about where the organisation's personal data was at
    ``as_of`` (the same moment, or a past one read from the inventory's history: Art. 28(3)(h) evidence
    for a given day). Call it inside ``inventory_at(as_of)`` for a past moment."""
    past = as_of < issued_at
    view = organisation_residency(organisation, at=as_of if past else None)
    organisation = view.organisation  # for a past moment: its allowed countries as they were then
    return {
        "type": STATEMENT_TYPE,
        "id": attestation_id,
        "as_of": jsonable(as_of),
        "issued_at": jsonable(issued_at),
        "issuer": {
            "name": settings.ART28_PROVIDER_NAME,
            "address": settings.ART28_PROVIDER_ADDRESS,
            "country": settings.ART28_PROVIDER_COUNTRY,
        },
        "customer": {"ref": organisation.ref, "name": organisation.name},
        "policy": {
            "allowed_countries": organisation.allowed_country_list,
            "source": "provider-default" if organisation.uses_default_policy else "customer",
        },
        "countries": view.countries,
        "sites": [
            {
                "code": s.code,
                "name": s.name,
                "city": s.city,
                "country": s.country or None,
                "operator": s.operator or None,
            }
            for s in view.sites
        ],
        "placements": [
            {"asset": p.asset_ref, "kind": p.kind, "site": p.site, "country": p.country} for p in view.placements
        ],
        "flows": [
            {
                "from_asset": f.from_asset,
                "kind": f.kind,
                "destination": f.destination,
                "country": f.country,
            }
            for f in view.flows
        ],
        "violations": [v.as_dict() for v in view.violations],
        "compliant": not view.violations,
    }


def attestation_issue(*, actor: Actor, organisation: Organisation, at: dt.datetime | None = None) -> Attestation:
    """Sign and keep an attestation of the organisation's data locations now, or at ``at`` (a past moment
    within the inventory's history: the statement then says where the data was that day, under the
    allowed countries, sites' countries and sub-processors of that day; see docs/attestations.md).

    Raises AttestationRefused for a moment in the future or before the history begins: an inventory read
    before its first import is empty, and an empty inventory would read as "compliant"."""
    private_key = load_private_key()
    issued_at = timezone.now()
    if at is not None and at > issued_at:
        raise AttestationRefused(f"{jsonable(at)} is in the future: an attestation speaks for a moment up to now")
    if at is not None:
        try:
            check_history(at)
        except ValueError as exc:
            raise AttestationRefused(str(exc)) from None
    as_of = at if at is not None else issued_at
    with transaction.atomic():
        attestation = Attestation(organisation=organisation, as_of=as_of, issued_at=issued_at)
        with inventory_at(at):  # read-only: the writes below go to the real tables, after the block
            statement = attestation_statement(
                organisation=organisation,
                attestation_id=str(attestation.public_id),
                as_of=as_of,
                issued_at=issued_at,
            )
        attestation.document = sign_statement(statement, private_key)
        attestation.key_id = key_id(private_key.public_key())
        attestation.compliant = statement["compliant"]
        attestation.countries = ";".join(statement["countries"])
        attestation.issued_by = actor if isinstance(actor, User) else None
        attestation.save()
        audit_record(
            actor=actor,
            action="attestation.issue",
            obj=attestation,
            organisation_id=organisation.pk,
            after={
                "as_of": attestation.as_of,
                "issued_at": attestation.issued_at,
                "compliant": attestation.compliant,
                "key_id": attestation.key_id,
            },
        )
    return attestation

"""Writes for residency: issuing signed attestations (S1, "verified, not declared")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, audit_record, jsonable
from art28.core.models import Organisation, User
from art28.residency.models import Attestation
from art28.residency.selectors import organisation_residency
from art28.residency.signing import key_id, load_private_key, sign_statement

STATEMENT_TYPE = "art28/residency-attestation"


def attestation_statement(*, organisation: Organisation, attestation_id: str, as_of: Any) -> dict[str, Any]:
    """What the provider states, at ``as_of``, about where the organisation's personal data is."""
    view = organisation_residency(organisation)
    return {
        "type": STATEMENT_TYPE,
        "id": attestation_id,
        "as_of": jsonable(as_of),
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


def attestation_issue(*, actor: Actor, organisation: Organisation) -> Attestation:
    """Sign and keep an attestation of the organisation's data locations as of now."""
    private_key = load_private_key()
    with transaction.atomic():
        attestation = Attestation(organisation=organisation, as_of=timezone.now())
        statement = attestation_statement(
            organisation=organisation, attestation_id=str(attestation.public_id), as_of=attestation.as_of
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
            after={"as_of": attestation.as_of, "compliant": attestation.compliant, "key_id": attestation.key_id},
        )
    return attestation

"""Writes on legal documents: one transaction each, with its audit-trail entry."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, audit_record
from art28.core.models import Organisation, User
from art28.core.roles import Role
from art28.legal.models import Acceptance, AcceptanceMethod, DocumentVersion, VersionStatus


def document_accept(
    *,
    actor: Actor,
    organisation: Organisation,
    version: DocumentVersion,
    method: str = AcceptanceMethod.CLICK,
    evidence_sha256: str = "",
) -> Acceptance:
    """Record that ``organisation`` accepted ``version`` (GDPR Art. 28(9): in writing, electronic form
    allowed). Only a customer administrator of that organisation accepts; only a published version of a
    document customers accept can be accepted, and each version once."""
    if not (isinstance(actor, User) and actor.is_customer and actor.organisation_id == organisation.pk):
        raise PermissionDenied("Only a user of the organisation accepts its documents.")
    if actor.role != Role.CUSTOMER_ADMIN:
        raise PermissionDenied("Only your organisation's administrators can accept a document.")
    if method not in AcceptanceMethod.values:
        raise ValidationError({"method": f"unknown method {method!r}"})
    if method == AcceptanceMethod.COUNTERSIGN and len(evidence_sha256) != 64:
        raise ValidationError({"evidence_sha256": "A countersignature names the SHA-256 of the signed document."})
    with transaction.atomic():
        version = DocumentVersion.objects.select_related("document").get(pk=version.pk)
        if version.status != VersionStatus.PUBLISHED or not version.document.requires_acceptance:
            raise ValidationError("Only a published version of a document customers accept can be accepted.")
        if Acceptance.objects.filter(organisation=organisation, version=version).exists():
            raise ValidationError("This version was already accepted for your organisation.")
        acceptance = Acceptance.objects.create(
            organisation=organisation,
            version=version,
            accepted_by=actor,
            accepted_by_label=actor.email,
            accepted_at=timezone.now(),
            method=method,
            evidence_sha256=evidence_sha256,
        )
        audit_record(
            actor=actor,
            action="legal.document.accept",
            obj=acceptance,
            organisation_id=organisation.pk,
            after={
                "document": version.document.slug,
                "version": version.number,
                "method": method,
                "evidence_sha256": evidence_sha256,
            },
        )
    return acceptance

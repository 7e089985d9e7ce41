"""The writes of the DPIA support pack (GDPR Art. 28(3)(f) with Arts. 35-36; nFADP Arts. 22-23;
docs/dpia.md), each with its audit entry in the same transaction.

A pack is generated when it is asked for; the version is kept only when its content differs from the
latest version's for that customer and service (the digest of the canonical content, ``dpia.content_sha256``),
so asking twice for unchanged facts downloads the same version. Each download is recorded: who, when,
which version, in which format; staff read them on /staff/duties/dpia/.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core.access import STAFF
from art28.core.audit import Actor, SystemActor, actor_label, audit_record
from art28.core.models import Organisation, User
from art28.duties.dpia import content_sha256, dpia_pack
from art28.duties.models import DpiaPack, DpiaPackDownload
from art28.inventory.models import Service
from art28.inventory.selectors import organisation_service_ids


def _check_reader(actor: Actor, organisation: Organisation) -> None:
    """The customer's own users, the provider's staff (e.g. the DPO preparing it), or the system."""
    if isinstance(actor, SystemActor):
        return
    if actor.is_customer:
        if actor.organisation_id != organisation.pk:
            raise PermissionDenied("Only the customer's own users may have its DPIA pack.")
    elif actor.role not in STAFF:
        raise PermissionDenied("Your role cannot have a customer's DPIA pack.")


def dpia_pack_generate(
    *, actor: Actor, organisation: Organisation, service: Service, language: str | None = None
) -> DpiaPack:
    """The pack of the customer for the service in ``language`` (default: the customer's): the latest
    version when its content is unchanged, else a new version. Raises ValidationError for a service on
    which the customer has no data, or an unknown language."""
    _check_reader(actor, organisation)
    language = language or organisation.language or "en"
    errors: dict[str, str] = {}
    if language not in {code for code, _name in settings.LANGUAGES}:
        errors["language"] = f"{language!r} is not one of: {', '.join(c for c, _n in settings.LANGUAGES)}."
    if service.pk not in organisation_service_ids(organisation):
        errors["service"] = f"{organisation.ref} has no data on {service.name}."
    if errors:
        raise ValidationError(errors)
    content = dpia_pack(organisation, service, language)  # the reads, before the transaction
    digest = content_sha256(content)
    with transaction.atomic():
        # One version number at a time per customer: two downloads at once must not both take n + 1.
        list(Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk", flat=True))
        latest = DpiaPack.objects.filter(customer=organisation, service=service).order_by("-version").first()
        if latest is not None and latest.sha256 == digest:
            return latest
        now = timezone.now()
        version = latest.version + 1 if latest else 1
        document = {"format": content["format"], "version": version, "generated_at": now.isoformat(),
                    "sha256": digest, **content}  # fmt: skip
        pack = DpiaPack.objects.create(
            customer=organisation,
            service=service,
            language=language,
            version=version,
            sha256=digest,
            generated_at=now,
            generated_by_label=actor_label(actor)[:254],
            document=json.dumps(document, ensure_ascii=False, indent=2),
        )
        audit_record(
            actor=actor,
            action="duties.dpia_pack_generate",
            obj=pack,
            object_repr=f"{organisation.ref} {service.name} v{version}",
            organisation_id=organisation.pk,
            after={
                "customer": organisation.ref,
                "service": service.name,
                "version": version,
                "language": language,
                "sha256": digest,
                "previous_version": latest.version if latest else None,
            },
        )
    return pack


def dpia_pack_download_record(*, actor: Actor, pack: DpiaPack, format: str) -> DpiaPackDownload:
    """Record that ``actor`` downloaded this version of the pack in ``format`` (pdf or json)."""
    _check_reader(actor, pack.customer)
    if format not in DpiaPackDownload.Format.values:
        raise ValidationError({"format": f"{format!r} is not one of: {', '.join(DpiaPackDownload.Format.values)}."})
    with transaction.atomic():
        download = DpiaPackDownload.objects.create(
            pack=pack,
            user=actor if isinstance(actor, User) else None,
            user_label=actor_label(actor)[:254],
            at=timezone.now(),
            format=format,
        )
        audit_record(
            actor=actor,
            action="duties.dpia_pack_download",
            obj=pack,
            object_repr=f"{pack.customer.ref} {pack.service.name} v{pack.version}",
            organisation_id=pack.customer_id,
            after={
                "customer": pack.customer.ref,
                "service": pack.service.name,
                "version": pack.version,
                "sha256": pack.sha256,
                "format": format,
                "download": download.pk,
            },
        )
    return download


def dpia_pack_download(*, actor: Actor, organisation: Organisation, service: Service, format: str) -> DpiaPack:
    """What a download does: the current version (generated or reused) in the customer's language, and
    the record of its download."""
    pack = dpia_pack_generate(actor=actor, organisation=organisation, service=service)
    dpia_pack_download_record(actor=actor, pack=pack, format=format)
    return pack

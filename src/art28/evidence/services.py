"""Writes of the evidence app besides collection (S2; docs/evidence.md): a person's upload, for a control
no module of art28 can prove by itself (a fire drill's report, a signed training list). One audit entry."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core.access import EVIDENCE_WRITERS
from art28.core.audit import audit_record
from art28.core.models import User
from art28.evidence.models import Evidence, EvidenceSource
from art28.records.models import TechnicalMeasure

UPLOAD_MAX_BYTES = 20 * 1024 * 1024


def evidence_upload(
    *,
    actor: User,
    controls: Iterable[TechnicalMeasure],
    title: str,
    effective_on: dt.date,
    valid_until: dt.date,
    content: bytes,
    name: str,
) -> Evidence:
    """Store an uploaded file as evidence of ``controls``, true as of ``effective_on`` (the day the drill
    took place, not the upload's), valid until ``valid_until``; raises ValidationError naming the field."""
    if actor.role not in EVIDENCE_WRITERS:
        raise PermissionDenied("Only the DPO, security or an administrator add evidence.")
    chosen = list(controls)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if not title.strip():
        errors["title"] = "Say what the file shows."
    if not chosen:
        errors["controls"] = "Choose the control(s) it proves."
    if effective_on > today:
        errors["effective_on"] = "Evidence is of something that happened: not a future day."
    if valid_until < effective_on:
        errors["valid_until"] = "It stops being valid after the day it is true as of."
    if not content:
        errors["file"] = "The file is empty."
    elif len(content) > UPLOAD_MAX_BYTES:
        errors["file"] = f"{len(content):,} bytes; at most {UPLOAD_MAX_BYTES:,} (20 MB)."
    digest = hashlib.sha256(content).hexdigest()
    if content and Evidence.objects.filter(source=EvidenceSource.UPLOAD, key=digest).exists():
        errors["file"] = "This very file is already evidence: link its item to more controls instead."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = Evidence.objects.create(
            source=EvidenceSource.UPLOAD,
            key=digest,
            title=title.strip()[:300],
            effective_at=timezone.make_aware(dt.datetime.combine(effective_on, dt.time.min)),
            collected_at=timezone.now(),
            valid_until=valid_until,
            file=content,
            file_name=Path(name).name[:200] or "evidence",
            content_type="application/pdf" if content.startswith(b"%PDF-") else "application/octet-stream",
            sha256=digest,
            uploaded_by=actor,
        )
        item.controls.set(chosen)
        audit_record(actor=actor, action="evidence.upload", obj=item,
                     after={"title": item.title, "file": item.file_name, "sha256": digest,
                            "controls": sorted(m.ref for m in chosen), "effective_on": effective_on,
                            "valid_until": valid_until})  # fmt: skip
    return item

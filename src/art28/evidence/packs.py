"""Packs asked for from a staff page (S2; docs/evidence.md, "The auditor's pack"): the request is stored
and audited, the task worker writes the pack with its progress on the row, and the file is offered to
those who may export packs. The pack is confidential (its audit segment names customers)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core.access import EVIDENCE_PACKERS
from art28.core.audit import audit_record
from art28.core.models import User
from art28.evidence.models import EvidencePack, PackStatus

PROGRESS_EVERY_SECONDS = 0.5


def packs_folder() -> Path:
    return Path(settings.DATA_DIR) / "packs"


def pack_path(pack: EvidencePack) -> Path:
    return packs_folder() / f"{pack.pk}-{pack.file_name}"


def pack_request(*, actor: User, date_from: dt.date, date_to: dt.date) -> EvidencePack:
    """Ask for the pack of ``[date_from, date_to]``; the task worker writes it (one audit entry)."""
    if actor.role not in EVIDENCE_PACKERS:
        raise PermissionDenied("Only the DPO, security, an administrator or an auditor export evidence packs.")
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if date_from > date_to:
        errors["date_from"] = "The period starts before it ends."
    if date_to > today:
        errors["date_to"] = "A pack holds what happened: the period ends today at the latest."
    if (date_to - date_from).days > 3 * 366:
        errors["date_from"] = "At most three years in one pack."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pack = EvidencePack.objects.create(
            requested_by=actor,
            requested_at=timezone.now(),
            date_from=date_from,
            date_to=date_to,
            file_name=f"evidence-{date_from}-{date_to}.zip",
        )
        audit_record(actor=actor, action="evidence.pack_request", obj=pack,
                     after={"from": date_from, "to": date_to})  # fmt: skip
        transaction.on_commit(lambda: _enqueue(pack.pk))
    return pack


def _enqueue(pk: int) -> None:
    from art28.evidence.tasks import build_pack

    build_pack.enqueue(pk)


def pack_build(pack: EvidencePack) -> EvidencePack:
    """Write the pack (the task's work): progress on the row at most every half second, then done with
    its size and manifest hash, or failed with the reason."""
    from art28.evidence.pack import evidence_pack_export

    last = 0.0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_SECONDS or done == total:
            last = now
            EvidencePack.objects.filter(pk=pack.pk).update(stage=stage[:40], done=done, total=total)

    EvidencePack.objects.filter(pk=pack.pk).update(status=PackStatus.RUNNING)
    packs_folder().mkdir(parents=True, exist_ok=True)
    try:
        written = evidence_pack_export(actor=pack.requested_by, path=pack_path(pack), date_from=pack.date_from,
                                       date_to=pack.date_to, progress=progress)  # fmt: skip
    except Exception as exc:  # the reason is shown on the pack's page; nothing half-written stays
        reason = f"{type(exc).__name__}: {exc}"[:2000]
        EvidencePack.objects.filter(pk=pack.pk).update(
            status=PackStatus.FAILED, error=reason, finished_at=timezone.now()
        )
    else:
        EvidencePack.objects.filter(pk=pack.pk).update(
            status=PackStatus.DONE,
            size=written.bytes,
            manifest_sha256=written.manifest_sha256,
            finished_at=timezone.now(),
        )
    pack.refresh_from_db()
    return pack

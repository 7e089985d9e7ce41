"""Flow-down agreements: the contract that binds each sub-processor to the same data protection obligations
as the provider's own contract with its customers (GDPR Art. 28(4); nFADP Art. 9(3)).

Staff record the signed agreement (the document as uploaded; art28 computes its SHA-256 from the bytes),
the day it was signed and which of the duties of GDPR Art. 28(3)(a)-(h) it covers. An agreement that misses
one of them is kept and shown as incomplete, but it is not "in place": a change that adds a sub-processor,
or replaces one with it, cannot be announced until an agreement in place binds it (``changes.change_announce``
asks ``rules.flowdown_problem``). Customers and the public see the date it is in place since and the duties
covered, never the document or its file name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core.audit import Actor, SystemActor, audit_record
from art28.subprocessors.models import FlowDownAgreement, FlowDownClause, SubProcessor
from art28.subprocessors.rules import today
from art28.subprocessors.services import actor_user, ensure_writer

DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# Art. 28(3)'s letters, for the command line (``--clauses a,b,c``) and the API: "a" and "(a)" both name a duty.
LETTERS: dict[str, str] = dict(zip("abcdefgh", FlowDownClause.values, strict=True))
LETTER_OF: dict[str, str] = {code: letter for letter, code in LETTERS.items()}


def parse_clauses(values: Iterable[str] | str) -> list[str]:
    """The duties named by their code (``security``) or their letter in Art. 28(3) (``c``, ``(c)``), in the
    article's order, each once. ``values`` may be one comma- or ';'-separated string. Raises ValidationError
    on ``clauses`` naming what is unknown, or when none is named."""
    if isinstance(values, str):
        values = values.replace(";", ",").split(",")
    wanted: set[str] = set()
    unknown: list[str] = []
    for raw in values:
        value = str(raw).strip().lower()
        if not value:
            continue
        code = LETTERS.get(value.strip("()"), value)
        if code in FlowDownClause.values:
            wanted.add(code)
        else:
            unknown.append(str(raw).strip())
    if unknown:
        known = ", ".join(f"{letter} ({code})" for letter, code in LETTERS.items())
        raise ValidationError({"clauses": f"unknown duty {', '.join(map(repr, unknown))}; use {known}"})
    if not wanted:
        raise ValidationError({"clauses": "Say which duties of GDPR Art. 28(3)(a)-(h) the agreement covers."})
    return [code for code in FlowDownClause.values if code in wanted]


def _content_type(content: bytes, file_name: str) -> str:
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    return mimetypes.guess_type(file_name)[0] or "application/octet-stream"


def agreement_snapshot(agreement: FlowDownAgreement) -> dict[str, Any]:
    """What the audit trail keeps of an agreement (its bytes only as their SHA-256)."""
    return {
        "subprocessor": agreement.subprocessor.slug,
        "signed_on": agreement.signed_on,
        "valid_until": agreement.valid_until,
        "clauses": agreement.clause_list,
        "complete": agreement.complete,
        "missing": agreement.missing_clauses,
        "file_name": agreement.file_name,
        "size": agreement.size,
        "sha256": agreement.sha256,
    }


def flowdown_agreement_record(
    *,
    actor: Actor,
    subprocessor: SubProcessor,
    signed_on: dt.date,
    file_name: str,
    content: bytes,
    clauses: Iterable[str] | str,
    valid_until: dt.date | None = None,
) -> FlowDownAgreement:
    """Record the signed agreement that imposes on ``subprocessor`` the same data protection obligations as
    the provider's contract with its customers (GDPR Art. 28(4), nFADP Art. 9(3)), with the duties of Art.
    28(3)(a)-(h) it covers (codes or letters). ``valid_until``: the last day it binds, if it ends.

    The SHA-256 is computed here from ``content``, never taken from the caller. It supersedes any earlier
    agreement of the sub-processor from its signature on. One transaction, one audit entry
    (``subprocessor.flowdown.record``). Raises ValidationError naming the field; nothing is stored then."""
    ensure_writer(actor)
    errors: dict[str, str] = {}
    try:
        codes = parse_clauses(clauses)
    except ValidationError as exc:
        errors.update({key: " ".join(messages) for key, messages in exc.message_dict.items()})
        codes = []
    if signed_on > today():
        errors["signed_on"] = f"{signed_on.isoformat()} is in the future: record an agreement once it is signed."
    if valid_until is not None and valid_until < signed_on:
        errors["valid_until"] = "An agreement cannot end before the day it was signed."
    if not content:
        errors["file"] = "The file is empty: upload the signed agreement."
    elif len(content) > DOCUMENT_MAX_BYTES:
        errors["file"] = f"{len(content):,} bytes; at most {DOCUMENT_MAX_BYTES:,} (20 MB)."
    digest = hashlib.sha256(content).hexdigest()
    name = Path(str(file_name).replace("\\", "/")).name.strip()[:200] or "agreement"
    if content and not errors.get("file"):
        same = FlowDownAgreement.objects.filter(subprocessor=subprocessor, sha256=digest).only("signed_on").first()
        if same is not None:
            errors["file"] = (
                f"This very file is recorded already for {subprocessor.legal_name} (signed on "
                f"{same.signed_on.isoformat()})."
            )
    if errors:
        raise ValidationError(errors)
    # Not durable=True, like every other service: the role-table tests build their world (the demo) inside
    # one transaction, where a durable block cannot open (see commit 15911cc).
    with transaction.atomic():
        agreement = FlowDownAgreement.objects.create(
            subprocessor=subprocessor,
            signed_on=signed_on,
            valid_until=valid_until,
            clauses=";".join(codes),
            document=content,
            file_name=name,
            content_type=_content_type(content, name),
            size=len(content),
            sha256=digest,
            recorded_at=timezone.now(),
            recorded_by=actor_user(actor),
            recorded_by_label=str(actor.label if isinstance(actor, SystemActor) else actor.email)[:200],
        )
        audit_record(
            actor=actor,
            action="subprocessor.flowdown.record",
            obj=agreement,
            object_repr=f"flow-down agreement of {subprocessor.slug} signed on {signed_on.isoformat()}",
            after=agreement_snapshot(agreement),
        )
    return agreement

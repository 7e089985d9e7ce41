"""The tamper-evident audit trail: every service write appends one entry in its own transaction.

Each entry's hash covers its fields and the previous entry's hash, so changing any byte of any
entry, deleting one, or cutting the tail breaks the chain at a point ``verify_chain`` names.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from art28.core.models import AuditChainHead, AuditEntry, User

GENESIS_HASH = "0" * 64
# The fields an entry's hash covers, in this order (the order only documents; JSON keys are sorted).
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "organisation_id",
    "before",
    "after",
    "prev_hash",
)


class SystemActor:
    """An actor that is not a person: the importer run from a shell, a scheduled task."""

    def __init__(self, label: str) -> None:
        self.pk = None
        self.label = label

    def __str__(self) -> str:
        return self.label


class ChangedFields(TypedDict):
    before: dict[str, Any]
    after: dict[str, Any]


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> ChangedFields:
    """``before=…, after=…`` for ``audit_record`` holding only the fields an update changed."""
    return ChangedFields(
        before={k: v for k, v in before.items() if after.get(k) != v},
        after={k: v for k, v in after.items() if before.get(k) != v},
    )


def cli_actor() -> SystemActor:
    """The person at the shell running an ``art28`` command, as ``cli:<login name>``."""
    try:
        user = getpass.getuser()
    except OSError:  # no login name (some containers)
        user = "unknown user"
    return SystemActor(f"cli:{user}")


Actor = User | SystemActor


def actor_label(actor: Actor) -> str:
    """How the audit trail (and a record's "by") names an actor: a person by e-mail, else the system's label."""
    return str(actor.label if isinstance(actor, SystemActor) else actor.email)


def jsonable(value: Any) -> Any:
    """Turn model values into plain JSON (strings for times and decimals) so hashes are stable."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Model):
        return value.pk
    return value


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_digest(fields: dict[str, Any]) -> str:
    """SHA-256 of the previous hash and the canonical JSON of the entry's hashed fields."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["at"] = jsonable(payload["at"])
    return hashlib.sha256((fields["prev_hash"] + "\n" + canonical_json(payload)).encode()).hexdigest()


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    organisation_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Must run inside the caller's ``transaction.atomic()``."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    head = _locked_head()
    fields: dict[str, Any] = {
        "seq": head.seq + 1,
        "at": timezone.now(),
        "actor_id": actor.pk,
        "actor_label": actor_label(actor),
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "object_repr": object_repr[:300],
        "organisation_id": organisation_id,
        "before": jsonable(before) if before is not None else None,
        "after": jsonable(after) if after is not None else None,
        "prev_hash": head.hash,
    }
    fields["hash"] = entry_digest(fields)
    entry = AuditEntry.objects.create(**fields)
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


def _locked_head() -> AuditChainHead:
    # SELECT … FOR UPDATE makes concurrent appenders on PostgreSQL wait their turn; SQLite
    # transactions (BEGIN IMMEDIATE) are serialised already.
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, _ = AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _entries_in_order(batch: int = 5000) -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=batch)


def verify_chain() -> ChainReport:
    """Recompute every hash in order; report the first entry that does not fit the chain."""
    prev_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    with transaction.atomic():
        for entry in _entries_in_order():
            fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
            if entry.seq != expected_seq:
                return ChainReport(
                    checked, ChainBreak(entry.seq, f"expected entry #{expected_seq} here (missing entry)")
                )
            if entry.prev_hash != prev_hash:
                return ChainReport(checked, ChainBreak(entry.seq, "prev_hash does not match the entry before it"))
            if entry_digest(fields) != entry.hash:
                return ChainReport(checked, ChainBreak(entry.seq, "content does not match its hash (entry changed)"))
            prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
        head = AuditChainHead.objects.filter(pk=1).first()
        if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
            return ChainReport(
                checked, ChainBreak(head.seq, "chain head does not match the last entry (entries removed at the end)")
            )
    return ChainReport(checked, None)

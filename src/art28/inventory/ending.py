"""Ending placements and flows outside an import: a customer's data deleted at the end of its contract
(GDPR Art. 28(3)(g); art28.duties). The rows go, their history stays: each open period is closed at the
moment of the deletion, and the moment is recorded as an ``InventorySync`` of mode "deletion", so that
the history's readers (a breach's time window, the residency audit as of a day) see the change where
the inventory changed, as they see an import's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection

from django.db import connection

from art28.inventory.importers.history import serialise_imports
from art28.inventory.models import Flow, FlowPeriod, InventorySync, Placement, PlacementBar, PlacementPeriod

SOURCE = "end-of-contract"


def inventory_rows_end(
    *, placement_ids: Collection[int], flow_ids: Collection[int], at: dt.datetime, label: str, actor_label: str
) -> InventorySync | None:
    """End these placements and flows at ``at`` (rows deleted, periods closed) and record the change.

    Must run inside the caller's transaction (the duty's service, which writes the audit entry). Rows
    already gone are skipped; returns None when nothing was left to end."""
    if not connection.in_atomic_block:
        raise RuntimeError("inventory_rows_end must run inside the caller's transaction")
    serialise_imports()  # not while an import is merging (PostgreSQL; SQLite has one writer anyway)
    placements = sorted(Placement.objects.filter(pk__in=list(placement_ids)).values_list("pk", flat=True))
    flows = sorted(Flow.objects.filter(pk__in=list(flow_ids)).values_list("pk", flat=True))
    if not placements and not flows:
        return None
    PlacementPeriod.objects.filter(placement_id__in=placements, valid_to__isnull=True).update(valid_to=at)
    FlowPeriod.objects.filter(flow_id__in=flows, valid_to__isnull=True).update(valid_to=at)
    Placement.objects.filter(pk__in=placements).delete()
    Flow.objects.filter(pk__in=flows).delete()
    # What was ended, as the digest an import records of its input: the same ends give the same digest.
    described = f"{label}\nplacements {','.join(map(str, placements))}\nflows {','.join(map(str, flows))}"
    return InventorySync.objects.create(
        at=at,
        source=SOURCE,
        format="deletion",
        mode=InventorySync.Mode.DELETION,
        sha256=hashlib.sha256(described.encode()).hexdigest(),
        counts={"placements": {"ended": len(placements)}, "flows": {"ended": len(flows)}},
        actor_label=actor_label[:200],
    )


def placement_bar_set(*, customer_id: int, at: dt.datetime, reason: str) -> PlacementBar:
    """From now on an import refuses to place this customer's data (inside the caller's transaction)."""
    bar, _ = PlacementBar.objects.update_or_create(customer_id=customer_id, defaults={"since": at, "reason": reason})
    return bar

"""Reads on the inventory's history for the staff pages: the imports and syncs (InventorySync) and one
asset's periods (docs/inventory-sync.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from art28.inventory.models import Asset, AssetPeriod, InventorySync, PlacementPeriod

# The entities an import counts, in the order the pages list them.
ENTITY_LABELS: dict[str, Promise] = {
    "sites": _("Sites"),
    "customers": _("Customers"),
    "assets": _("Assets"),
    "placements": _("Placements"),
    "flows": _("Flows"),
}
# Sites and customers are never ended by a sync: the ones its input no longer has are counted "absent".
KEPT_WHEN_ABSENT = frozenset({"sites", "customers"})
# The chart on the history page covers this many of the latest syncs.
CHART_SYNCS = 30
# The asset page lists at most this many of the asset's periods and of the placements it held.
PERIODS_SHOWN = 200


@dataclass(frozen=True)
class EntityCounts:
    """One entity's line of an import's counts. ``gone`` is "ended", or "absent" for sites and customers;
    None for an additive import, which ends nothing and does not look for what its input lacks."""

    entity: str
    label: Promise
    created: int
    updated: int
    unchanged: int
    gone: int | None
    kept_when_absent: bool

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.gone)


def sync_counts(sync: InventorySync) -> list[EntityCounts]:
    """The entities this import carried, with what it did to each (the baseline carries none)."""
    counts = sync.counts or {}
    full = sync.mode == InventorySync.Mode.SYNC
    return [
        EntityCounts(
            entity=entity,
            label=label,
            created=int(counts[entity].get("created", 0)),
            updated=int(counts[entity].get("updated", 0)),
            unchanged=int(counts[entity].get("unchanged", 0)),
            gone=int(counts[entity].get("absent" if entity in KEPT_WHEN_ABSENT else "ended", 0)) if full else None,
            kept_when_absent=entity in KEPT_WHEN_ABSENT,
        )
        for entity, label in ENTITY_LABELS.items()
        if isinstance(counts.get(entity), dict)
    ]


def last_sync() -> InventorySync | None:
    """The latest import or sync (the one whose time the current inventory holds since)."""
    return InventorySync.objects.order_by("-at", "-id").first()


def syncs() -> QuerySet[InventorySync]:
    """Every import and sync, newest first."""
    return InventorySync.objects.order_by("-at", "-id")


def syncs_for_chart(limit: int = CHART_SYNCS) -> list[InventorySync]:
    """The latest ``limit`` imports and syncs, oldest first (the chart reads left to right)."""
    return list(reversed(syncs()[:limit]))


@dataclass
class AssetHistory:
    periods: list[AssetPeriod]  # newest first
    periods_count: int
    placements: list[PlacementPeriod]  # newest first
    placements_count: int


def asset_history(asset: Asset) -> AssetHistory:
    """Where the asset was and what it was over time, and the customer data it held: its periods and the
    periods of the placements on it, the latest ``PERIODS_SHOWN`` of each, with their numbers."""
    shown = PERIODS_SHOWN
    periods = (
        AssetPeriod.objects.filter(asset=asset)
        .select_related("site", "parent", "service")
        .order_by("-valid_from", "-id")
    )
    placements = PlacementPeriod.objects.filter(asset=asset).select_related("customer").order_by("-valid_from", "-id")
    period_rows = list(periods[:shown])
    placement_rows = list(placements[:shown])
    return AssetHistory(
        periods=period_rows,
        periods_count=len(period_rows) if len(period_rows) < shown else periods.count(),
        placements=placement_rows,
        placements_count=len(placement_rows) if len(placement_rows) < shown else placements.count(),
    )

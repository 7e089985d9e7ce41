"""What has to go when a customer's contract ends (GDPR Art. 28(3)(g)): every placement of its data and every
copy the flows carry, each with the day it will be gone.

The copies follow the breach impact's reachability (breaches.impact), read forwards: a flow from an
asset carries the data of that asset and of everything below it, so the flows of a placement's asset and
of its ancestors carry the placement's data; data a flow brings to another asset travels on with that
asset's flows and its ancestors'. So the walk goes from each of the customer's assets up its ancestors
and along the flows, and every flow met is a copy at its destination. ``tests/duties`` checks both
directions against the breach impact: an asset holds a copy of the customer's data here exactly when a
breach of that asset would touch the customer.

One statement per case (a recursive CTE), however large the inventory; the work follows the customer's
own assets and the flows from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

from art28.duties.models import BackupRetention, DeletionItem
from art28.inventory.engine import DESTINATION_COUNTRY
from art28.inventory.models import Asset, FlowKind

# The customer's placements in scope: all of them, or those on (or below) the assets of some services.
_PLACEMENTS = """
WITH RECURSIVE chosen(id) AS (
    SELECT a.id FROM inventory_asset a WHERE {service_filter}
    UNION
    SELECT child.id FROM chosen JOIN inventory_asset child ON child.parent_id = chosen.id
)
SELECT p.id, a.id, a.ref, COALESCE(s.code, ''), COALESCE(s.country, ''), p.data_categories
FROM inventory_placement p
JOIN inventory_asset a ON a.id = p.asset_id
LEFT JOIN inventory_site s ON s.id = a.location_id
WHERE p.customer_id = %(customer)s {placement_filter}
ORDER BY a.ref
"""

# From each origin asset: up its ancestors and along the flows (one step relation), then every flow
# leaving an asset met on the way. UNION keeps loops of flows finite.
_COPIES = f"""
WITH RECURSIVE
step(from_id, next_id) AS (
    SELECT id, parent_id FROM inventory_asset WHERE parent_id IS NOT NULL
    UNION ALL
    SELECT asset_id, to_asset_id FROM inventory_flow WHERE to_asset_id IS NOT NULL
),
hop(origin_id, asset_id) AS (
    SELECT a.id, a.id FROM inventory_asset a WHERE a.id IN ({{origins}})
    UNION
    SELECT hop.origin_id, step.next_id FROM hop JOIN step ON step.from_id = hop.asset_id
)
SELECT DISTINCT o.ref, f.id, f.kind, f.to_asset_id,
       CASE WHEN f.to_asset_id IS NOT NULL THEN ta.ref
            WHEN f.to_site_id IS NOT NULL THEN ts.code
            ELSE f.to_country END,
       COALESCE(tl.code, ts.code, ''),
       {DESTINATION_COUNTRY}
FROM hop
JOIN inventory_flow f ON f.asset_id = hop.asset_id
JOIN inventory_asset o ON o.id = hop.origin_id
LEFT JOIN inventory_asset ta ON ta.id = f.to_asset_id
LEFT JOIN inventory_site tl ON tl.id = ta.location_id
LEFT JOIN inventory_site ts ON ts.id = f.to_site_id
"""


@dataclass
class Planned:
    """One item of the list before it is saved (the fields of ``DeletionItem``)."""

    kind: str
    where: str
    asset_id: int | None
    site_label: str
    country: str
    method: str
    gone_on: dt.date
    flow_kind: str = ""
    origins: set[str] = field(default_factory=set)
    placement_id: int | None = None
    flow_ids: set[int] = field(default_factory=set)
    data_categories: str = ""

    def item(self, case_id: int) -> DeletionItem:
        return DeletionItem(
            case_id=case_id,
            kind=self.kind,
            asset_id=self.asset_id,
            where=self.where[:200],
            site_label=self.site_label[:200],
            country=self.country,
            flow_kind=self.flow_kind,
            origin=", ".join(sorted(self.origins))[:200],
            placement_id=self.placement_id,
            flow_ids=sorted(self.flow_ids),
            data_categories=self.data_categories[:500],
            method=self.method,
            gone_on=self.gone_on,
        )


def _rows(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ids(values: Collection[int]) -> str:
    return ", ".join(str(int(value)) for value in values) or "NULL"


def retention_days(asset_ids: Collection[int]) -> dict[int, int]:
    """Each backup store's retention: its own, else its service's, else ART28_BACKUP_RETENTION_DAYS."""
    default = settings.ART28_BACKUP_RETENTION_DAYS
    by_asset = dict(BackupRetention.objects.filter(asset_id__in=asset_ids).values_list("asset_id", "days"))
    by_service = dict(BackupRetention.objects.filter(service__isnull=False).values_list("service_id", "days"))
    services = dict(Asset.objects.filter(pk__in=asset_ids).values_list("pk", "service_id"))
    return {
        asset_id: by_asset.get(asset_id, by_service.get(services.get(asset_id) or 0, default)) for asset_id in asset_ids
    }


def deletion_list(*, customer_id: int, service_ids: Collection[int], deletion_from: dt.date) -> list[Planned]:
    """The placements and copies of the customer's data in scope, as they are in the inventory now."""
    service_filter = f"a.service_id IN ({_ids(service_ids)})" if service_ids else "FALSE"
    placement_filter = "AND p.asset_id IN (SELECT id FROM chosen)" if service_ids else ""
    placed = _rows(
        _PLACEMENTS.format(service_filter=service_filter, placement_filter=placement_filter), {"customer": customer_id}
    )
    planned = [
        Planned(
            kind=DeletionItem.Kind.PLACEMENT,
            where=ref,
            asset_id=asset_id,
            site_label=site,
            country=country,
            method=DeletionItem.Method.DELETE,
            gone_on=deletion_from,
            placement_id=placement_id,
            data_categories=categories,
        )
        for placement_id, asset_id, ref, site, country, categories in placed
    ]
    origins = {row[1] for row in placed}
    if not origins:
        return planned
    copies: dict[tuple[str, str], Planned] = {}
    rows = _rows(_COPIES.replace("{origins}", _ids(origins)), {})
    backup_stores = {row[3] for row in rows if row[2] == FlowKind.BACKUP and row[3] is not None}
    days = retention_days(backup_stores)
    for origin, flow_id, kind, to_asset_id, where, site, country in rows:
        copy = copies.get((where, kind))
        if copy is None:
            expires = kind == FlowKind.BACKUP
            keep = days.get(to_asset_id, settings.ART28_BACKUP_RETENTION_DAYS) if expires else 0
            copy = copies[(where, kind)] = Planned(
                kind=DeletionItem.Kind.COPY,
                where=where,
                asset_id=to_asset_id,
                site_label=site,
                country=country or "",
                method=DeletionItem.Method.EXPIRE if expires else DeletionItem.Method.DELETE,
                gone_on=deletion_from + dt.timedelta(days=keep),
                flow_kind=kind,
            )
        copy.origins.add(origin)
        copy.flow_ids.add(flow_id)
    return planned + sorted(copies.values(), key=lambda c: (c.where, c.flow_kind))

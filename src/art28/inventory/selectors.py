"""Reads on the inventory, for staff pages, reports and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from art28.core.models import Organisation
from art28.core.selectors import organisation_by_ref
from art28.inventory.models import Asset, Flow, Placement, Service, Site

CHILDREN_SHOWN = 200


def inventory_counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "sites": Site.objects.count(),
        "assets": Asset.objects.filter(ended_at__isnull=True).count(),
        "placements": Placement.objects.count(),
        "flows": Flow.objects.count(),
    }


def site_overview() -> list[Site]:
    """Every site with its number of assets and of placements located there."""
    return list(
        Site.objects.annotate(
            asset_count=Count("located_assets", filter=Q(located_assets__ended_at__isnull=True), distinct=True),
            placement_count=Count("located_assets__placements"),
        ).order_by("country", "code")
    )


def services() -> QuerySet[Service]:
    return Service.objects.order_by("name")


def asset_search(
    *, ref: str = "", kind: str = "", site_code: str = "", service_id: int | None = None
) -> QuerySet[Asset]:
    """Current assets (not ended by a sync) whose ref contains ``ref``, of ``kind``, located at ``site_code``
    (own or inherited site)."""
    assets = (
        Asset.objects.filter(ended_at__isnull=True)
        .select_related("location", "site", "parent", "service")
        .order_by("ref")
    )
    if ref:
        assets = assets.filter(ref__icontains=ref)
    if kind:
        assets = assets.filter(kind=kind)
    if site_code:
        assets = assets.filter(location__code=site_code)
    if service_id is not None:
        assets = assets.filter(service_id=service_id)
    return assets


def placement_counts(*, asset_ids: list[int]) -> dict[int, int]:
    """Placements per asset, for the page of assets shown (not a GROUP BY over the whole table)."""
    rows = Placement.objects.filter(asset_id__in=asset_ids).values("asset_id").annotate(n=Count("id"))
    return {row["asset_id"]: row["n"] for row in rows}


# The chain of parents from an asset up to its root; the depth bound stops a (forbidden) cycle.
_ANCESTORS = """
WITH RECURSIVE up(id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM inventory_asset WHERE id = %s
    UNION ALL
    SELECT a.id, a.parent_id, up.depth + 1 FROM inventory_asset a JOIN up ON a.id = up.parent_id
    WHERE up.depth < 64
)
SELECT id, depth FROM up WHERE depth > 0
"""


@dataclass
class AssetDetail:
    asset: Asset
    ancestors: list[Asset]  # root first
    children: list[Asset]
    children_count: int
    placements: list[Placement]
    flows_out: list[Flow]
    flows_in: list[Flow]


def asset_detail(ref: str) -> AssetDetail:
    """One asset with its place in the tree, the customer data on it and its flows; 404 if unknown."""
    asset = Asset.objects.select_related("site", "location", "parent", "service").filter(ref=ref).first()
    if asset is None:
        raise Http404("No such asset")
    with connection.cursor() as cursor:
        cursor.execute(_ANCESTORS, [asset.pk])
        depth_of = dict(cursor.fetchall())
    found = Asset.objects.select_related("location").in_bulk(list(depth_of))
    ancestors = sorted(found.values(), key=lambda a: -depth_of[a.pk])
    children = asset.children.select_related("location").order_by("ref")
    flows = Flow.objects.select_related(
        "asset", "asset__location", "to_asset", "to_asset__location", "to_site"
    ).order_by("kind", "pk")
    return AssetDetail(
        asset=asset,
        ancestors=ancestors,
        children=list(children[:CHILDREN_SHOWN]),
        children_count=children.count(),
        placements=list(asset.placements.select_related("customer").order_by("customer__name")),
        flows_out=list(flows.filter(asset=asset)),
        flows_in=list(flows.filter(to_asset=asset)),
    )


def customer_search(query: str = "") -> QuerySet[Organisation]:
    customers = Organisation.objects.order_by("name", "ref")
    if query:
        customers = customers.filter(Q(ref__icontains=query) | Q(name__icontains=query))
    return customers


def customer_placement_counts(*, organisation_ids: list[int]) -> dict[int, int]:
    rows = Placement.objects.filter(customer_id__in=organisation_ids).values("customer_id").annotate(n=Count("id"))
    return {row["customer_id"]: row["n"] for row in rows}


def customer_by_ref(ref: str) -> Organisation:
    organisation = organisation_by_ref(ref)
    if organisation is None:
        raise Http404("No such customer")
    return organisation


# The services whose assets hold the organisation's data: its placements' assets and their ancestors.
_ORGANISATION_SERVICES = """
WITH RECURSIVE up(asset_id) AS (
    SELECT asset_id FROM inventory_placement WHERE customer_id = %s
    UNION
    SELECT a.parent_id FROM up JOIN inventory_asset a ON a.id = up.asset_id WHERE a.parent_id IS NOT NULL
)
SELECT DISTINCT a.service_id FROM up JOIN inventory_asset a ON a.id = up.asset_id WHERE a.service_id IS NOT NULL
"""


def organisation_service_ids(organisation: Organisation) -> set[int]:
    """The ids of the services whose assets hold the organisation's data (its placements' assets and
    their ancestors): what the customer "uses", for its sub-processors, matrix and intrusion tests."""
    with connection.cursor() as cursor:
        cursor.execute(_ORGANISATION_SERVICES, [organisation.pk])
        return {row[0] for row in cursor.fetchall()}

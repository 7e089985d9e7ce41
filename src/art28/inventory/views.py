"""Staff pages on the inventory: sites, assets (searchable), one asset in its tree and its history, and the
history of imports and syncs."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from art28.core.auth import staff_required
from art28.core.countries import country_name
from art28.core.listing import Column, csv_response, sort_state, wants_csv
from art28.inventory.charts import sync_chart
from art28.inventory.history_selectors import (
    EntityCounts,
    asset_history,
    last_sync,
    sync_counts,
    syncs,
    syncs_for_chart,
)
from art28.inventory.models import AssetKind, InventorySync, Site
from art28.inventory.selectors import asset_detail, asset_search, placement_counts, services, site_overview
from art28.inventory.timezones import site_zone

ASSETS_PER_PAGE = 50
SYNCS_PER_PAGE = 50
ASSET_COLUMNS = (
    Column("ref", _("Reference"), ("ref",)),
    Column("kind", _("Kind"), ("kind",)),
    Column("site", _("Site"), ("location__code",)),
    Column("parent", _("Parent"), ("parent__ref",)),
    Column("service", _("Service"), ("service__name",)),
)


@staff_required
def site_list(request: HttpRequest) -> HttpResponse:
    default_allowed = set(settings.ART28_ALLOWED_COUNTRIES)
    sites = [
        (
            site,
            country_name(site.country),
            bool(site.country) and site.country not in default_allowed,
            site_zone(site).key,
        )
        for site in site_overview()
    ]
    latest = last_sync()
    return render(
        request,
        "inventory/site_list.html",
        {
            "sites": sites,
            "default_allowed": [country_name(c) for c in sorted(default_allowed)],
            "last_sync": latest,
            "last_sync_counts": sync_counts(latest) if latest else [],
        },
    )


@dataclass(frozen=True)
class AssetFilters:
    ref: str
    kind: str
    site_code: str
    service_id: int | None


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@staff_required
def asset_list(request: HttpRequest) -> HttpResponseBase:
    kind = request.GET.get("kind", "")
    filters = AssetFilters(
        ref=request.GET.get("q", "").strip(),
        kind=kind if kind in AssetKind.values else "",
        site_code=request.GET.get("site", "").strip(),
        service_id=_int_or_none(request.GET.get("service")),
    )
    assets = asset_search(
        ref=filters.ref, kind=filters.kind, site_code=filters.site_code, service_id=filters.service_id
    )
    sort = sort_state(request, ASSET_COLUMNS)
    assets = sort.order(assets)
    if wants_csv(request):
        return csv_response(
            "assets.csv",
            [_("Reference"), _("Kind"), _("Site"), _("Parent"), _("Service")],
            assets,
            lambda asset: [
                asset.ref,
                asset.get_kind_display(),
                asset.location.code if asset.location else "",
                asset.parent.ref if asset.parent else "",
                asset.service.name if asset.service else "",
            ],
        )
    page = Paginator(assets, ASSETS_PER_PAGE).get_page(request.GET.get("page"))
    counts = placement_counts(asset_ids=[asset.pk for asset in page.object_list])
    return render(
        request,
        "inventory/asset_list.html",
        {
            "page": page,
            "rows": [(asset, counts.get(asset.pk, 0)) for asset in page.object_list],
            "filters": filters,
            "sort": sort.header(),
            "kinds": AssetKind.choices,
            "sites": Site.objects.order_by("code").only("code", "name"),
            "services": services(),
        },
    )


@staff_required
def asset_page(request: HttpRequest, ref: str) -> HttpResponse:
    detail = asset_detail(ref)
    return render(
        request,
        "inventory/asset_detail.html",
        {"detail": detail, "asset": detail.asset, "history": asset_history(detail.asset)},
    )


def _sync_row(sync: InventorySync) -> tuple[InventorySync, list[EntityCounts], bool]:
    """An import, the entities it changed, and whether it carried any (the baseline carries none)."""
    counts = sync_counts(sync)
    return sync, [line for line in counts if line.changed], bool(counts)


@staff_required
def sync_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(syncs(), SYNCS_PER_PAGE).get_page(request.GET.get("page"))
    chart_syncs = syncs_for_chart()
    return render(
        request,
        "inventory/sync_list.html",
        {
            "page": page,
            "rows": [_sync_row(sync) for sync in page.object_list],
            "chart": sync_chart(chart_syncs) if chart_syncs else None,
        },
    )

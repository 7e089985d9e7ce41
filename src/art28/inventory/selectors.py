"""Reads on the inventory."""

from art28.core.models import Organisation
from art28.inventory.models import Asset, Flow, Placement, Site


def inventory_counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "sites": Site.objects.count(),
        "assets": Asset.objects.count(),
        "placements": Placement.objects.count(),
        "flows": Flow.objects.count(),
    }


def site_overview() -> list[Site]:
    """Every site with its number of assets and of placements located there."""
    from django.db.models import Count

    return list(
        Site.objects.annotate(
            asset_count=Count("located_assets", distinct=True),
            placement_count=Count("located_assets__placements"),
        ).order_by("country", "code")
    )

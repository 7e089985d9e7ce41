"""What a residency page shows for one organisation; shared by the customer's portal and the staff view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator

from art28.core.countries import country_name
from art28.inventory.models import AssetKind, FlowKind
from art28.portal.diagram import residency_diagram, residency_diagram_stacked
from art28.residency.engine import CarriedFlow
from art28.residency.findings import explain_all
from art28.residency.selectors import OrganisationResidency, PlacementRow

PLACEMENTS_PER_PAGE = 50


@dataclass(frozen=True)
class PlacementView:
    row: PlacementRow
    kind_label: str
    country_label: str
    outside_policy: bool


@dataclass(frozen=True)
class FlowRow:
    flow: CarriedFlow
    kind_label: str
    country_label: str
    leaves_policy: bool


def _label(choices: type[AssetKind] | type[FlowKind], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def residency_page_context(
    residency: OrganisationResidency, *, page: str | None, id_prefix: str = "residency"
) -> dict[str, Any]:
    """Template context for ``portal/_residency.html``: tiles, diagram, tables and findings."""
    allowed = residency.organisation.allowed_country_list
    placements = Paginator(residency.placements, PLACEMENTS_PER_PAGE).get_page(page)
    # Labels for the rows shown only, not for every placement of a large customer.
    placement_rows = [
        PlacementView(
            row=row,
            kind_label=_label(AssetKind, row.kind),
            country_label=country_name(row.country) if row.country else "",
            outside_policy=row.country is None or row.country not in allowed,
        )
        for row in placements.object_list
    ]
    flows = [
        FlowRow(
            flow=flow,
            kind_label=_label(FlowKind, flow.kind),
            country_label=country_name(flow.country) if flow.country else "",
            leaves_policy=flow.country is None or flow.country not in allowed,
        )
        for flow in residency.flows
    ]
    return {
        "residency": residency,
        "allowed_countries": [(code, country_name(code)) for code in allowed],
        "countries": [(code, country_name(code)) for code in residency.countries],
        "stats": {
            "countries": len(residency.countries),
            "sites": len(residency.sites),
            "placements": len(residency.placements),
            "subjects": sum(p.subjects for p in residency.placements),
            "records": sum(p.records for p in residency.placements),
        },
        "diagram": residency_diagram(residency, id_prefix=id_prefix) if residency.placements else "",
        # The same picture for a phone; the stylesheet shows one of the two (no script: the CSP forbids it).
        "diagram_stacked": residency_diagram_stacked(residency, id_prefix=id_prefix) if residency.placements else "",
        "placements_page": placements,
        "placement_rows": placement_rows,
        "flows": flows,
        "findings": explain_all(residency.violations),
    }

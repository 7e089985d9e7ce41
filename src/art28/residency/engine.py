"""The residency audit: every placement or flow of customer data outside the allowed countries (S1).

Set-based: two SQL statements over the whole inventory, whatever its size.

* ``stored-outside``: a placement's asset is located (its own site, else its nearest ancestor's) in a
  country the customer does not allow.
* ``unknown-location``: the asset has no site in its ancestry, or its site's country is unknown; or a
  flow carries the data to a place whose country is unknown (then ``destination`` is set).
* ``flow-outside``: a flow carries the data to a country the customer does not allow. A flow from an
  asset carries the data of every placement on that asset or below it, and data that a flow brings to
  another asset travels on with that asset's own flows (and those of its ancestors).

The promise is "never leaves Switzerland", so any place outside the allowed countries is flagged,
whatever the legal basis of the transfer (PRODUCT.md, "Transfers").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import connection

STORED_OUTSIDE = "stored-outside"
FLOW_OUTSIDE = "flow-outside"
UNKNOWN_LOCATION = "unknown-location"
REASONS = (STORED_OUTSIDE, FLOW_OUTSIDE, UNKNOWN_LOCATION)


@dataclass(frozen=True, slots=True)
class Violation:
    customer: str
    asset: str
    site: str | None
    country: str | None
    allowed: list[str]
    reason: str
    destination: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# The customer's allowed countries as ';CH;LI;' (its own list, else the provider default), so that
# "is X allowed" is one LIKE on both SQLite and PostgreSQL.
_ALLOWED = "(';' || COALESCE(NULLIF(o.allowed_countries, ''), %(default_allowed)s) || ';')"
_NOT_ALLOWED = "{allowed} NOT LIKE ('%%;' || {country} || ';%%')"

_STORED = f"""
SELECT o.ref, a.ref, s.code, NULLIF(s.country, ''), {_ALLOWED},
       CASE WHEN s.country IS NULL OR s.country = '' THEN '{UNKNOWN_LOCATION}' ELSE '{STORED_OUTSIDE}' END,
       NULL
FROM inventory_placement p
JOIN core_organisation o ON o.id = p.customer_id
JOIN inventory_asset a ON a.id = p.asset_id
LEFT JOIN inventory_site s ON s.id = a.location_id
WHERE (s.country IS NULL OR s.country = '' OR {_NOT_ALLOWED.format(allowed=_ALLOWED, country="s.country")})
  {{customer_filter}}
"""

# cover: the assets whose data each flow carries (its asset and every descendant).
# reach: for every asset holding data ("origin"), the flows that carry that data, following flows
#        that land on another asset onwards through the flows covering that asset. UNION (not ALL)
#        keeps the recursion finite even when flows form a loop.
# dest:  each flow's destination label (as in flows.csv) and country ('' when unknown).
_FLOWS = f"""
WITH RECURSIVE
cover(flow_id, asset_id) AS (
    SELECT id, asset_id FROM inventory_flow
    UNION
    SELECT cover.flow_id, child.id FROM cover JOIN inventory_asset child ON child.parent_id = cover.asset_id
),
reach(origin_id, flow_id) AS (
    SELECT asset_id, flow_id FROM cover
    UNION
    SELECT reach.origin_id, onward.flow_id
    FROM reach
    JOIN inventory_flow f ON f.id = reach.flow_id
    JOIN cover onward ON onward.asset_id = f.to_asset_id
),
dest(flow_id, label, country) AS (
    SELECT f.id,
           CASE WHEN f.to_asset_id IS NOT NULL THEN ta.ref
                WHEN f.to_site_id IS NOT NULL THEN ts.code
                ELSE f.to_country END,
           CASE WHEN f.to_asset_id IS NOT NULL THEN COALESCE(tl.country, '')
                WHEN f.to_site_id IS NOT NULL THEN ts.country
                ELSE f.to_country END
    FROM inventory_flow f
    LEFT JOIN inventory_asset ta ON ta.id = f.to_asset_id
    LEFT JOIN inventory_site tl ON tl.id = ta.location_id
    LEFT JOIN inventory_site ts ON ts.id = f.to_site_id
)
SELECT DISTINCT o.ref, a.ref, s.code, NULLIF(dest.country, ''), {_ALLOWED},
       CASE WHEN dest.country = '' THEN '{UNKNOWN_LOCATION}' ELSE '{FLOW_OUTSIDE}' END,
       dest.label
FROM reach
JOIN dest ON dest.flow_id = reach.flow_id
JOIN inventory_placement p ON p.asset_id = reach.origin_id
JOIN core_organisation o ON o.id = p.customer_id
JOIN inventory_asset a ON a.id = p.asset_id
LEFT JOIN inventory_site s ON s.id = a.location_id
WHERE (dest.country = '' OR {_NOT_ALLOWED.format(allowed=_ALLOWED, country="dest.country")})
  {{customer_filter}}
"""


def _rows(sql: str, params: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(2000):
            yield from batch


def iter_violations(*, organisation_id: int | None = None) -> Iterator[Violation]:
    """Every violation, stored and unknown placements first, then flows; unordered within each."""
    params: dict[str, Any] = {"default_allowed": ";".join(settings.ART28_ALLOWED_COUNTRIES)}
    customer_filter = ""
    if organisation_id is not None:
        customer_filter = "AND o.id = %(organisation_id)s"
        params["organisation_id"] = organisation_id
    for template in (_STORED, _FLOWS):
        sql = template.replace("{customer_filter}", customer_filter)
        for customer, asset, site, country, allowed, reason, destination in _rows(sql, params):
            yield Violation(
                customer=customer,
                asset=asset,
                site=site,
                country=country,
                allowed=[code for code in allowed.split(";") if code],
                reason=reason,
                destination=destination,
            )


def sort_key(violation: Violation) -> tuple[str, str, str, str]:
    return (violation.customer, violation.asset, violation.reason, violation.destination or "")


def run_audit(*, organisation_id: int | None = None) -> list[Violation]:
    """All violations, sorted by customer, asset, reason and destination."""
    return sorted(iter_violations(organisation_id=organisation_id), key=sort_key)


# Every flow that carries some of one organisation's data, whatever its destination: what the
# customer's portal draws and what an attestation lists.
_CARRIED_FOR_ORGANISATION = """
WITH RECURSIVE
cover(flow_id, asset_id) AS (
    SELECT id, asset_id FROM inventory_flow
    UNION
    SELECT cover.flow_id, child.id FROM cover JOIN inventory_asset child ON child.parent_id = cover.asset_id
),
reach(origin_id, flow_id) AS (
    SELECT cover.asset_id, cover.flow_id FROM cover
    WHERE cover.asset_id IN (SELECT asset_id FROM inventory_placement WHERE customer_id = %(organisation_id)s)
    UNION
    SELECT reach.origin_id, onward.flow_id
    FROM reach
    JOIN inventory_flow f ON f.id = reach.flow_id
    JOIN cover onward ON onward.asset_id = f.to_asset_id
)
SELECT DISTINCT f.id, src.ref, srcsite.code, f.kind,
       CASE WHEN f.to_asset_id IS NOT NULL THEN ta.ref WHEN f.to_site_id IS NOT NULL THEN ts.code ELSE f.to_country END,
       CASE WHEN f.to_asset_id IS NOT NULL THEN tl.code WHEN f.to_site_id IS NOT NULL THEN ts.code ELSE NULL END,
       NULLIF(CASE WHEN f.to_asset_id IS NOT NULL THEN COALESCE(tl.country, '')
                   WHEN f.to_site_id IS NOT NULL THEN ts.country ELSE f.to_country END, '')
FROM reach
JOIN inventory_flow f ON f.id = reach.flow_id
JOIN inventory_asset src ON src.id = f.asset_id
LEFT JOIN inventory_site srcsite ON srcsite.id = src.location_id
LEFT JOIN inventory_asset ta ON ta.id = f.to_asset_id
LEFT JOIN inventory_site tl ON tl.id = ta.location_id
LEFT JOIN inventory_site ts ON ts.id = f.to_site_id
"""


@dataclass(frozen=True, slots=True)
class CarriedFlow:
    """A flow carrying some of an organisation's data: from an asset (at a site) to a destination."""

    flow_id: int
    from_asset: str
    from_site: str | None
    kind: str
    destination: str
    destination_site: str | None
    country: str | None


def flows_carrying(organisation_id: int) -> list[CarriedFlow]:
    """Flows that carry the organisation's data, directly or onwards, sorted by source and destination."""
    rows = _rows(_CARRIED_FOR_ORGANISATION, {"organisation_id": organisation_id})
    return sorted((CarriedFlow(*row) for row in rows), key=lambda f: (f.from_asset, f.kind, f.destination))

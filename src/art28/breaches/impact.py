"""Who a breach touches: the affected customers of a scope, from the inventory now or, for an incident
with a time window, as it was during the window (its history, inventory.as_of) (S3).

A placement is affected when its asset is

* a scoped asset or below one (the asset tree, followed down with a recursive CTE),
* located at a scoped site (``Asset.location``: its own site, else its nearest ancestor's), or
* an asset of a scoped service, or below one (a volume inside a VM of that service is inside it too), or
* an asset whose data a flow carries into the scope (a backup or replica of it lies on a scoped asset or
  at a scoped site): a flow from an asset carries the data of that asset and everything below it, and
  data a flow brings to another asset travels on with that asset's (and its ancestors') flows, as in the
  residency audit. A breach of a backup store touches every customer whose data is backed up there.

Each affected asset is collected once (UNION), and a placement belongs to exactly one asset, so a
placement matched in several ways (its host is scoped *and* its site is) is counted once. Per customer:
the affected assets, the union of the data categories and of the categories of data subjects (GDPR
Art. 33(3)(a), DSV Art. 15(1)(d)), and the sums of the estimated data subjects and records (the
"approximate numbers" of GDPR Art. 33(3)(a) and DSV Art. 15(1)(c)).

One SQL statement, whatever the size of the inventory; the work follows the affected placements.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import connection

from art28.breaches.models import Incident
from art28.inventory.as_of import earliest_history, inventory_as_of
from art28.inventory.engine import LANDING_UP_CTE, drive_joins_by_index
from art28.inventory.models import Asset, InventorySync, Service, Site

# {ids:name} is a set of ids: a JSON array parameter (SQLite) or an array (PostgreSQL), or, for an
# incident, the rows of its scope table. {concat:expr} joins the group's values with newlines.
_IMPACT = """
WITH RECURSIVE
tree(id, ref) AS (
    SELECT a.id, a.ref FROM inventory_asset a WHERE a.id IN ({ids:assets})
    UNION
    SELECT a.id, a.ref FROM inventory_asset a WHERE a.service_id IN ({ids:services})
    UNION
    SELECT child.id, child.ref
    FROM tree {by_index:inventory_asset child:child.parent_id = tree.id}
),
hit(id, ref) AS MATERIALIZED (
    SELECT id, ref FROM tree
    UNION
    SELECT a.id, a.ref FROM inventory_asset a WHERE a.location_id IN ({ids:sites})
),
{landing_up},
into_scope(flow_id) AS (
    SELECT f.id FROM hit JOIN inventory_flow f ON f.to_asset_id = hit.id
    UNION
    SELECT f.id FROM inventory_flow f WHERE f.to_site_id IN ({ids:sites})
    UNION
    SELECT g.id
    FROM into_scope
    JOIN inventory_flow f ON f.id = into_scope.flow_id
    JOIN landing_up ON landing_up.asset_id = f.asset_id
    JOIN inventory_flow g ON g.to_asset_id = landing_up.landing_id
),
copied(id, ref) AS (
    SELECT a.id, a.ref FROM inventory_asset a
    WHERE a.id IN (SELECT f.asset_id FROM inventory_flow f WHERE f.id IN (SELECT flow_id FROM into_scope))
    UNION
    SELECT child.id, child.ref
    FROM copied {by_index:inventory_asset child:child.parent_id = copied.id}
),
affected(id, ref) AS MATERIALIZED (
    SELECT id, ref FROM hit
    UNION
    SELECT id, ref FROM copied
),
placed(customer_id, asset_ref, data_categories, subject_categories, subjects, records) AS MATERIALIZED (
    SELECT p.customer_id, affected.ref, p.data_categories, p.subject_categories, p.subjects, p.records
    FROM affected {by_index:inventory_placement p:p.asset_id = affected.id}
),
per_customer(customer_id, assets, subjects, records) AS (
    SELECT customer_id, {concat:asset_ref}, SUM(subjects), SUM(records) FROM placed GROUP BY customer_id
),
categories(customer_id, categories) AS (
    SELECT customer_id, {concat:data_categories}
    FROM (SELECT DISTINCT customer_id, data_categories FROM placed WHERE data_categories <> '') AS distinct_sets
    GROUP BY customer_id
),
subject_categories(customer_id, categories) AS (
    SELECT customer_id, {concat:subject_categories}
    FROM (
        SELECT DISTINCT customer_id, subject_categories FROM placed WHERE subject_categories <> ''
    ) AS distinct_sets
    GROUP BY customer_id
)
SELECT o.id, o.ref, pc.assets, c.categories, sc.categories, pc.subjects, pc.records
FROM per_customer pc
JOIN core_organisation o ON o.id = pc.customer_id
LEFT JOIN categories c ON c.customer_id = pc.customer_id
LEFT JOIN subject_categories sc ON sc.customer_id = pc.customer_id
"""

_INCIDENT_SCOPE = {
    "assets": "SELECT asset_id FROM breaches_incident_assets WHERE incident_id = %(incident_id)s",
    "sites": "SELECT site_id FROM breaches_incident_sites WHERE incident_id = %(incident_id)s",
    "services": "SELECT service_id FROM breaches_incident_services WHERE incident_id = %(incident_id)s",
}
_IDS = re.compile(r"\{ids:(?P<name>\w+)\}")
_CONCAT = re.compile(r"\{concat:(?P<expr>[\w.]+)\}")


@cache
def impact_sql(vendor: str, *, for_incident: bool) -> str:
    """The statement for a database vendor, reading the scope from parameters or from an incident.

    Joins marked ``by_index`` are driven from the small, already-filtered side through the table's
    index (SQLite keeps a CROSS JOIN's order; PostgreSQL keeps a LATERAL subquery with OFFSET 0), as in
    residency/engine.py: neither database can estimate the size of a recursive CTE.
    """

    def ids(match: re.Match[str]) -> str:
        name = match["name"]
        if for_incident:
            return _INCIDENT_SCOPE[name]
        if vendor == "postgresql":
            return f"SELECT unnest(CAST(%({name})s AS bigint[]))"
        return f"SELECT value FROM json_each(%({name})s)"

    def concat(match: re.Match[str]) -> str:
        if vendor == "postgresql":
            return f"string_agg({match['expr']}, chr(10))"
        return f"group_concat({match['expr']}, char(10))"

    sql = drive_joins_by_index(_IMPACT.replace("{landing_up}", LANDING_UP_CTE), vendor)
    return _CONCAT.sub(concat, _IDS.sub(ids, sql))


@dataclass(frozen=True, slots=True)
class CustomerImpact:
    organisation_id: int
    customer: str
    assets: list[str]
    data_categories: list[str]
    subject_categories: list[str]
    subjects: int
    records: int

    def as_dict(self) -> dict[str, Any]:
        """The customer's entry in ``art28 breach-impact --json`` (and the API), keys in this order."""
        return {
            "customer": self.customer,
            "assets": self.assets,
            "data_categories": self.data_categories,
            "subject_categories": self.subject_categories,
            "subjects": self.subjects,
            "records": self.records,
        }


@dataclass(frozen=True)
class Impact:
    customers: list[CustomerImpact] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "customers": len(self.customers),
            "subjects": sum(c.subjects for c in self.customers),
            "records": sum(c.records for c in self.customers),
        }

    def as_dict(self) -> dict[str, Any]:
        """Exactly ``{"customers": [...], "totals": {"customers", "subjects", "records"}}`` (docs/breaches.md)."""
        return {"customers": [c.as_dict() for c in self.customers], "totals": self.totals}

    def by_organisation(self) -> dict[int, CustomerImpact]:
        return {c.organisation_id: c for c in self.customers}


@dataclass(frozen=True)
class Scope:
    """What a breach touches, as inventory ids."""

    asset_ids: tuple[int, ...] = ()
    site_ids: tuple[int, ...] = ()
    service_ids: tuple[int, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.asset_ids or self.site_ids or self.service_ids)


class UnknownScope(ValueError):
    """Scope names the inventory does not know; ``missing`` maps "asset"/"site"/"service" to them."""

    def __init__(self, missing: dict[str, list[str]]) -> None:
        self.missing = missing
        parts = [f"unknown {kind} {', '.join(repr(name) for name in names)}" for kind, names in missing.items()]
        super().__init__("; ".join(parts))


def resolve_scope(*, assets: Iterable[str] = (), sites: Iterable[str] = (), services: Iterable[str] = ()) -> Scope:
    """Turn asset refs, site codes and service names into ids; raises UnknownScope naming every unknown one."""
    wanted = {
        "asset": (Asset, "ref", sorted(set(assets))),
        "site": (Site, "code", sorted(set(sites))),
        "service": (Service, "name", sorted(set(services))),
    }
    found: dict[str, dict[str, int]] = {}
    missing: dict[str, list[str]] = {}
    for kind, (model, key, names) in wanted.items():
        rows = model._default_manager.filter(**{f"{key}__in": names}).values_list(key, "id") if names else []
        found[kind] = dict(rows)
        if unknown := [name for name in names if name not in found[kind]]:
            missing[kind] = unknown
    if missing:
        raise UnknownScope(missing)
    return Scope(
        asset_ids=tuple(sorted(found["asset"].values())),
        site_ids=tuple(sorted(found["site"].values())),
        service_ids=tuple(sorted(found["service"].values())),
    )


def _run(sql: str, params: dict[str, Any]) -> Impact:
    customers = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for organisation_id, ref, assets, category_sets, subject_category_sets, subjects, records in cursor.fetchall():
            customers.append(
                CustomerImpact(
                    organisation_id=organisation_id,
                    customer=ref,
                    assets=sorted(assets.split("\n")),
                    data_categories=_union(category_sets),
                    subject_categories=_union(subject_category_sets),
                    subjects=int(subjects or 0),
                    records=int(records or 0),
                )
            )
    customers.sort(key=lambda c: c.customer)
    return Impact(customers)


def _union(category_sets: str | None) -> list[str]:
    """The distinct ';'-lists of a customer's placements (one per line) as one sorted list."""
    return sorted({c for line in (category_sets or "").split("\n") for c in line.split(";") if c})


def impact_of_scope(scope: Scope, *, window: tuple[dt.datetime | None, dt.datetime | None] | None = None) -> Impact:
    """The live impact of ad-hoc scope (the CLI's ``--asset/--site/--service``): one query; with ``window``
    (from, to), the impact over that window, as ``impact_of_incident`` computes it."""
    if scope.empty:
        return Impact()
    vendor = connection.vendor
    if vendor == "postgresql":
        params: dict[str, Any] = {
            "assets": list(scope.asset_ids),
            "sites": list(scope.site_ids),
            "services": list(scope.service_ids),
        }
    else:
        params = {name: _json_ids(ids) for name, ids in _scope_lists(scope).items()}
    if window is not None:
        return _over_window(impact_sql(vendor, for_incident=False), params, *window)
    return _run(impact_sql(vendor, for_incident=False), params)


def impact_of_incident(incident: Incident) -> Impact:
    """The impact of an incident's stored scope over its time window (GDPR Art. 33(3)(a): the data
    concerned by the breach, which is the data that was there while it lasted).

    Without a window: where data is now, one query. With one: every customer whose data was on a scoped
    asset or site at any moment of the window (window_to empty: until now), from the inventory's history.
    """
    sql, params = impact_sql(connection.vendor, for_incident=True), {"incident_id": incident.pk}
    if incident.window_from is None and incident.window_to is None:
        return _run(sql, params)
    return _over_window(sql, params, incident.window_from, incident.window_to)


def window_moments(window_from: dt.datetime | None, window_to: dt.datetime | None) -> list[dt.datetime]:
    """The moments at which the inventory held each of its states during [window_from, window_to]: the
    window's start, then every import that took effect inside it. The inventory only changes at imports
    (inventory.history), so these moments see every state the window saw. A window starting before the
    history begins starts where it begins; an open start means the whole history."""
    earliest = earliest_history()
    if earliest is None:
        return []
    start = max(window_from or earliest, earliest)
    changes = InventorySync.objects.filter(at__gt=start)
    if window_to is not None:
        changes = changes.filter(at__lte=window_to)
    # An import that created, updated and ended nothing (an unchanged nightly sync) left the inventory in
    # the state before it: its moment would only repeat the previous one (each moment copies the inventory).
    return [start, *sorted({at for at, counts in changes.values_list("at", "counts") if _changed_anything(counts)})]


def _changed_anything(counts: dict[str, dict[str, int]]) -> bool:
    return (
        any(figures.get(kind, 0) for figures in counts.values() for kind in ("created", "updated", "ended"))
        or not counts
    )  # no counts recorded: assume it changed


def _over_window(
    sql: str, params: dict[str, Any], window_from: dt.datetime | None, window_to: dt.datetime | None
) -> Impact:
    """The union of the impacts at each moment of the window: per customer every asset and category met,
    and the largest figures of any one moment (a placement present at several moments is the same data,
    not more of it)."""
    moments = window_moments(window_from, window_to)
    if not moments:
        return _run(sql, params)  # no history at all: what there is now
    merged: dict[int, CustomerImpact] = {}
    for moment in moments:
        with inventory_as_of(moment):
            impact = _run(sql, params)
        for customer in impact.customers:
            seen = merged.get(customer.organisation_id)
            merged[customer.organisation_id] = customer if seen is None else _merge(seen, customer)
    return Impact(sorted(merged.values(), key=lambda c: c.customer))


def _merge(a: CustomerImpact, b: CustomerImpact) -> CustomerImpact:
    return CustomerImpact(
        organisation_id=a.organisation_id,
        customer=a.customer,
        assets=sorted(set(a.assets) | set(b.assets)),
        data_categories=sorted(set(a.data_categories) | set(b.data_categories)),
        subject_categories=sorted(set(a.subject_categories) | set(b.subject_categories)),
        subjects=max(a.subjects, b.subjects),
        records=max(a.records, b.records),
    )


def _scope_lists(scope: Scope) -> dict[str, tuple[int, ...]]:
    return {"assets": scope.asset_ids, "sites": scope.site_ids, "services": scope.service_ids}


def _json_ids(ids: tuple[int, ...]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


@dataclass(frozen=True)
class ImpactDifference:
    """The live impact against the frozen one: who appeared, who is gone, whose figures changed."""

    added: list[str]
    removed: list[str]
    changed: list[str]
    subjects_delta: int
    records_delta: int

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def impact_difference(live: Impact, frozen: Iterable[tuple[str, str, str, str, int, int]]) -> ImpactDifference:
    """Compare the live impact with frozen rows given as (customer ref, assets, data categories, subject
    categories, subjects, records) where assets are newline-joined and categories ';'-joined, as stored."""
    live_by_ref = {c.customer: c for c in live.customers}
    frozen_by_ref = {row[0]: row for row in frozen}
    changed = [
        ref
        for ref, (_, assets, categories, subject_categories, subjects, records) in frozen_by_ref.items()
        if ref in live_by_ref
        and (
            "\n".join(live_by_ref[ref].assets),
            ";".join(live_by_ref[ref].data_categories),
            ";".join(live_by_ref[ref].subject_categories),
            live_by_ref[ref].subjects,
            live_by_ref[ref].records,
        )
        != (assets, categories, subject_categories, subjects, records)
    ]
    frozen_subjects = sum(row[4] for ref, row in frozen_by_ref.items())
    frozen_records = sum(row[5] for ref, row in frozen_by_ref.items())
    return ImpactDifference(
        added=sorted(set(live_by_ref) - set(frozen_by_ref)),
        removed=sorted(set(frozen_by_ref) - set(live_by_ref)),
        changed=sorted(changed),
        subjects_delta=live.totals["subjects"] - frozen_subjects,
        records_delta=live.totals["records"] - frozen_records,
    )

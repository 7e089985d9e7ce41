"""Set-based maintenance of the asset tree: effective locations, descendants, cycle checks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.db import connection

ASSET = "inventory_asset"

# The effective site of every asset: its own, else its nearest ancestor's. One statement for the
# whole tree (a recursive CTE from the roots); only rows whose location changes are written.
_REFRESH_LOCATIONS = f"""
WITH RECURSIVE effective(id, site_id) AS (
    SELECT id, site_id FROM {ASSET} WHERE parent_id IS NULL
    UNION ALL
    SELECT child.id, COALESCE(child.site_id, effective.site_id)
    FROM {ASSET} child JOIN effective ON child.parent_id = effective.id
)
UPDATE {ASSET} SET location_id = effective.site_id
FROM effective
WHERE effective.id = {ASSET}.id AND {ASSET}.location_id IS DISTINCT FROM effective.site_id
"""


def refresh_locations() -> int:
    """Recompute ``Asset.location`` for the whole tree; returns the number of assets that moved."""
    with connection.cursor() as cursor:
        cursor.execute(_REFRESH_LOCATIONS)
        return cursor.rowcount


def descendants_sql(seed_sql: str) -> str:
    """SQL for ``(root_id, asset_id)`` pairs: every asset selected by ``seed_sql`` and all below it.

    ``seed_sql`` must select one column of asset ids. Used by impact and residency engines.
    """
    return f"""
    WITH RECURSIVE subtree(root_id, asset_id) AS (
        SELECT id, id FROM {ASSET} WHERE id IN ({seed_sql})
        UNION ALL
        SELECT subtree.root_id, child.id FROM subtree JOIN {ASSET} child ON child.parent_id = subtree.asset_id
    )
    SELECT root_id, asset_id FROM subtree
    """


def find_cycles(parent_of: Mapping[str, str | None], start: Iterable[str] | None = None) -> list[list[str]]:
    """Cycles in a child → parent map (refs); each cycle listed once, starting at its smallest ref.

    Walks up from each start node with a colouring so every node is visited once: O(n).
    """
    state: dict[str, int] = {}  # 1 = on the current path, 2 = known to reach a root
    cycles: list[list[str]] = []
    for node in start if start is not None else parent_of:
        path: list[str] = []
        current: str | None = node
        while current is not None and state.get(current) is None:
            state[current] = 1
            path.append(current)
            current = parent_of.get(current)
        if current is not None and state.get(current) == 1:
            cycle = path[path.index(current) :]
            pivot = cycle.index(min(cycle))
            cycles.append(cycle[pivot:] + cycle[:pivot])
        for visited in path:
            state[visited] = 2
    return cycles


# Each asset a flow lands on, with itself and each of its ancestors: the flows of those carry on the
# data that landed there. A CTE for the residency audit and the breach impact (both follow copies).
LANDING_UP_CTE = """landing_up(landing_id, asset_id) AS (
    SELECT DISTINCT to_asset_id, to_asset_id FROM inventory_flow WHERE to_asset_id IS NOT NULL
    UNION
    SELECT landing_up.landing_id, a.parent_id
    FROM landing_up JOIN inventory_asset a ON a.id = landing_up.asset_id
    WHERE a.parent_id IS NOT NULL
)"""

# A flow's destination country: the effective site of the asset it lands on, else its site, else the
# country it names ('' when unknown). Aliases: f the flow, tl the landing asset's site, ts its site.
DESTINATION_COUNTRY = """CASE WHEN f.to_asset_id IS NOT NULL THEN COALESCE(tl.country, '')
                WHEN f.to_site_id IS NOT NULL THEN ts.country
                ELSE f.to_country END"""


def flows_reaching_ctes(destination_filter: str) -> str:
    """The CTEs, ending in ``suspect(origin_id, label, country)``, that pair each asset holding data
    (``origin``) with every destination matching ``destination_filter`` its data reaches by flows,
    directly or onwards. ``destination_filter`` is a condition on ``DESTINATION_COUNTRY`` (aliases f, tl,
    ts). The statement that uses them starts ``WITH RECURSIVE`` and may narrow the origins with the
    ``{origin_filter}`` placeholder (replace it with "" or a WHERE on ``asset_id``).

    dest:       each flow going to a matching destination, with its label (as in flows.csv) and country.
    landing_up: each asset a flow lands on, with itself and its ancestors (their flows carry it on).
    relevant:   flows whose data can end up at such a destination: those, and flows landing where a
                relevant flow carries the data on.
    cover:      the assets whose data each relevant flow carries (its asset and every descendant).
    reach:      for each origin, the relevant flows carrying its data, following data that lands on an
                asset onwards. UNION (not ALL) keeps loops of flows finite.
    suspect:    origins whose data reaches a matching destination. Materialised so that PostgreSQL, which
                cannot estimate recursive results, joins the placements to this small set by index.
    The work stays proportional to the flows that match, not to the inventory.
    """
    return f"""dest(flow_id, label, country) AS MATERIALIZED (
    SELECT f.id,
           CASE WHEN f.to_asset_id IS NOT NULL THEN ta.ref
                WHEN f.to_site_id IS NOT NULL THEN ts.code
                ELSE f.to_country END,
           {DESTINATION_COUNTRY}
    FROM inventory_flow f
    LEFT JOIN inventory_asset ta ON ta.id = f.to_asset_id
    LEFT JOIN inventory_site tl ON tl.id = ta.location_id
    LEFT JOIN inventory_site ts ON ts.id = f.to_site_id
    WHERE {destination_filter}
),
{LANDING_UP_CTE},
relevant(flow_id) AS (
    SELECT flow_id FROM dest
    UNION
    SELECT g.id
    FROM relevant
    JOIN inventory_flow f ON f.id = relevant.flow_id
    JOIN landing_up ON landing_up.asset_id = f.asset_id
    JOIN inventory_flow g ON g.to_asset_id = landing_up.landing_id
),
cover(flow_id, asset_id) AS (
    SELECT id, asset_id FROM inventory_flow WHERE id IN (SELECT flow_id FROM relevant)
    UNION
    SELECT cover.flow_id, child.id FROM cover JOIN inventory_asset child ON child.parent_id = cover.asset_id
),
reach(origin_id, flow_id) AS (
    SELECT asset_id, flow_id FROM cover {{origin_filter}}
    UNION
    SELECT reach.origin_id, onward.flow_id
    FROM reach
    JOIN inventory_flow f ON f.id = reach.flow_id
    JOIN cover onward ON onward.asset_id = f.to_asset_id
),
suspect(origin_id, label, country) AS MATERIALIZED (
    SELECT DISTINCT reach.origin_id, dest.label, dest.country
    FROM dest JOIN reach ON reach.flow_id = dest.flow_id
)"""


_BY_INDEX = re.compile(r"\{by_index:(?P<table>\w+) (?P<alias>\w+):(?P<condition>[^}]+)\}")


def drive_joins_by_index(template: str, vendor: str) -> str:
    """Write each ``{by_index:table alias:condition}`` so that the join is driven from the small,
    already-filtered side through the table's index, whatever the planner guesses.

    Neither database can estimate the size of a recursive or materialised CTE. SQLite keeps the
    written order of a CROSS JOIN; PostgreSQL keeps a LATERAL subquery (OFFSET 0 stops it being
    pulled up), and otherwise prefers scanning and hashing a million placements.
    """

    def join(match: re.Match[str]) -> str:
        table, alias, condition = match["table"], match["alias"], match["condition"]
        if vendor == "postgresql":
            return f"CROSS JOIN LATERAL (SELECT * FROM {table} {alias} WHERE {condition} OFFSET 0) {alias}"
        return f"CROSS JOIN {table} {alias} ON {condition}"

    return _BY_INDEX.sub(join, template)

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

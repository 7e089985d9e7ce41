"""The inventory's history: each import closes the periods of the rows it changed or ended and opens
periods for the rows it created or changed, set-based (docs/inventory-sync.md).

Periods are half-open, [valid_from, valid_to): the import's time ends the old state and starts the
new one. Which rows changed is known from the merge: rows created have ids above the table's highest
id before the import (a "watermark": imports are serialised, see ``serialise_imports``); rows
updated or ended are listed in a temporary "touched" table per entity. A first import of 1M rows so
writes its periods with one INSERT … SELECT, and a nightly sync that changed 1% touches 1% of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection


@dataclass(frozen=True)
class History:
    """How one current table keeps its periods."""

    current: str  # the current table
    periods: str  # its period table
    key: str  # the period table's column holding the current row's id
    columns: tuple[str, ...]  # copied from the current row into the period
    still_current: str = "TRUE"  # SQL over the current row ``c``: does it still hold (assets: not ended)

    @property
    def touched(self) -> str:
        return f"art28_touched_{self.current}"


HISTORIES: dict[str, History] = {
    "sites": History("inventory_site", "inventory_siteperiod", "site_id", ("country",)),
    "customers": History("core_organisation", "core_allowedcountriesperiod", "organisation_id", ("allowed_countries",)),
    "assets": History(
        "inventory_asset",
        "inventory_assetperiod",
        "asset_id",
        ("kind", "site_id", "parent_id", "service_id"),
        still_current="c.ended_at IS NULL",
    ),
    "placements": History(
        "inventory_placement",
        "inventory_placementperiod",
        "placement_id",
        ("customer_id", "asset_id", "data_categories", "subject_categories", "subjects", "records"),
    ),
    "flows": History(
        "inventory_flow",
        "inventory_flowperiod",
        "flow_id",
        ("asset_id", "kind", "to_asset_id", "to_site_id", "to_country"),
    ),
}


def _execute(sql: str, params: Iterable[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params) if params is not None else None)
        return max(cursor.rowcount, 0)


def serialise_imports() -> None:
    """PostgreSQL: one import at a time (a transaction-level advisory lock), so that the ids above a
    table's watermark are this import's. SQLite allows one writer anyway."""
    if connection.vendor == "postgresql":
        _execute("SELECT pg_advisory_xact_lock(hashtext('art28.inventory.import'))")


def create_id_tables(names: Iterable[str]) -> None:
    """Temporary tables of row ids (the import's touched and ended rows), empty."""
    primary = "BIGINT PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY"
    for name in names:
        _execute(f"DROP TABLE IF EXISTS {name}")
        _execute(f"CREATE TEMPORARY TABLE {name} (id {primary})")


def drop_tables(names: Iterable[str]) -> None:
    for name in names:
        _execute(f"DROP TABLE IF EXISTS {name}")


def create_touched_tables() -> None:
    create_id_tables(history.touched for history in HISTORIES.values())


def drop_touched_tables() -> None:
    drop_tables(history.touched for history in HISTORIES.values())


def watermark(entity: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {HISTORIES[entity].current}")
        return int(cursor.fetchone()[0])


def touch(entity: str, ids: Iterable[tuple[int]]) -> None:
    """Add ids (rows as returned by a cursor) to the entity's touched table; repeats are ignored."""
    rows = list(ids)
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {HISTORIES[entity].touched} (id) VALUES (%s) ON CONFLICT DO NOTHING", rows)


def touch_select(entity: str, select_ids: str, params: Iterable[Any] = ()) -> int:
    """Add the ids a SELECT returns (set-based); returns how many were new."""
    # "WHERE TRUE": SQLite would read ON CONFLICT as the ON of a join otherwise.
    return _execute(
        f"INSERT INTO {HISTORIES[entity].touched} (id) SELECT chosen.id FROM ({select_ids}) AS chosen "
        "WHERE TRUE ON CONFLICT DO NOTHING",
        params,
    )


def record_periods(entity: str, *, since_id: int | None, now: dt.datetime) -> None:
    """Close the open periods of touched rows; open periods for touched rows and rows above ``since_id``
    that still hold (``since_id`` None: the new rows were touched too)."""
    history = HISTORIES[entity]
    stamp = connection.ops.adapt_datetimefield_value(now)
    _execute(
        f"UPDATE {history.periods} SET valid_to = %s "
        f"WHERE valid_to IS NULL AND {history.key} IN (SELECT id FROM {history.touched})",
        [stamp],
    )
    columns = ", ".join(history.columns)
    copied = ", ".join(f"c.{column}" for column in history.columns)
    insert = (
        f"INSERT INTO {history.periods} ({history.key}, {columns}, valid_from, valid_to) "
        f"SELECT c.id, {copied}, %s, NULL "
    )
    touched = f"FROM {history.touched} t JOIN {history.current} c ON c.id = t.id WHERE {history.still_current}"
    if since_id is None:
        _execute(insert + touched, [stamp])
        return
    _execute(insert + f"FROM {history.current} c WHERE c.id > %s AND {history.still_current}", [stamp, since_id])
    _execute(insert + touched + " AND c.id <= %s", [stamp, since_id])

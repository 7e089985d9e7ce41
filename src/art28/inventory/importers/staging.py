"""Temporary staging tables for an import, filled in batches, and the set-based checks on them.

Rows are validated one by one as they stream (validate.py) and written here in batches:
executemany on SQLite, COPY on PostgreSQL. Everything that needs more than one row (duplicates,
references to rows elsewhere in the input or in the database, cycles in the asset tree) is then
checked here with a few queries per entity, whatever the input's size (S1 inventory at scale).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import connection

from art28.inventory.engine import find_cycles
from art28.inventory.importers.problems import ENTITIES, ProblemLog
from art28.inventory.importers.validate import Row

# Staging columns after (seq, src, line). A NULL text means "not given by this source": the merge
# keeps the existing value (NetBox has no service or data categories, for instance; a CSV file or JSON
# object without the optional subject_categories or time_zone leaves them as they are).
TABLES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "sites": (
        "art28_stage_sites",
        (
            ("code", "TEXT NOT NULL"),
            ("name", "TEXT"),
            ("city", "TEXT"),
            ("country", "TEXT"),
            ("country_source", "TEXT"),
            ("country_source_detail", "TEXT"),
            ("operator", "TEXT"),
            ("time_zone", "TEXT"),
        ),
    ),
    "customers": (
        "art28_stage_customers",
        (
            ("ref", "TEXT NOT NULL"),
            ("name", "TEXT"),
            ("country", "TEXT"),
            ("language", "TEXT"),
            ("privacy_email", "TEXT"),
            ("allowed_countries", "TEXT"),
        ),
    ),
    "assets": (
        "art28_stage_assets",
        (("ref", "TEXT NOT NULL"), ("kind", "TEXT"), ("site", "TEXT"), ("parent", "TEXT"), ("service", "TEXT")),
    ),
    "placements": (
        "art28_stage_placements",
        (
            ("customer", "TEXT NOT NULL"),
            ("asset", "TEXT NOT NULL"),
            ("data_categories", "TEXT"),
            ("subject_categories", "TEXT"),
            ("subjects", "BIGINT"),
            ("records", "BIGINT"),
        ),
    ),
    "flows": (
        "art28_stage_flows",
        (
            ("asset", "TEXT NOT NULL"),
            ("kind", "TEXT"),
            ("to_asset", "TEXT"),
            ("to_site", "TEXT"),
            ("to_country", "TEXT"),
        ),
    ),
}
# What identifies a row of each entity within the input, and the label problems give it.
KEYS: dict[str, tuple[tuple[str, ...], str]] = {
    "sites": (("code",), "code"),
    "customers": (("ref",), "ref"),
    "assets": (("ref",), "ref"),
    "placements": (("customer", "asset"), "customer+asset"),
    "flows": (("asset", "kind", "to_asset", "to_site", "to_country"), "asset+kind+destination"),
}
# (entity, column) → the entity it refers to; each is checked with one query.
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("assets", "site", "sites"),
    ("assets", "parent", "assets"),
    ("placements", "customer", "customers"),
    ("placements", "asset", "assets"),
    ("flows", "asset", "assets"),
    ("flows", "to_asset", "assets"),
    ("flows", "to_site", "sites"),
)
# The referred entity: its key in staging, and its table and key in the database.
TARGETS: dict[str, tuple[str, str, str]] = {
    "sites": ("code", "inventory_site", "code"),
    "customers": ("ref", "core_organisation", "ref"),
    "assets": ("ref", "inventory_asset", "ref"),
}
# SQLite's page cache while importing, per database (main, temp). The default 2 MB holds little of
# a 1M-row table's indexes, and inserting into them then goes to the disk for nearly every row.
SQLITE_CACHE_KIB = {"main": 128 * 1024, "temp": 64 * 1024}
NOUNS = {"sites": "site", "customers": "customer", "assets": "asset", "placements": "placement", "flows": "flow"}
FETCH = 2000


def table(entity: str) -> str:
    return TABLES[entity][0]


class Staging:
    """The staging tables of one import, inside the import's transaction."""

    def __init__(self, files: list[str], batch: int, sync: bool = False) -> None:
        self.files = files  # staged rows name their file by its index here (``src``)
        self.batch = batch
        self.sync = sync
        self.counts = dict.fromkeys(ENTITIES, 0)
        self._buffers: dict[str, list[Row]] = {entity: [] for entity in ENTITIES}
        self._seq = 0
        self._postgres = connection.vendor == "postgresql"

    def create(self) -> None:
        schema = "pg_temp" if self._postgres else "temp"
        # SQLite's rowid alias makes "the first row of a duplicate group" a direct lookup.
        seq = "BIGINT" if self._postgres else "INTEGER PRIMARY KEY"
        with connection.cursor() as cursor:
            for name, columns in TABLES.values():
                cursor.execute(f"DROP TABLE IF EXISTS {schema}.{name}")
                declared = ", ".join(f"{column} {kind}" for column, kind in columns)
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {name} "
                    f"(seq {seq}, src INTEGER NOT NULL, line INTEGER NOT NULL, {declared})"
                )

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for name, _ in TABLES.values():
                cursor.execute(f"DROP TABLE IF EXISTS {name}")

    def add(self, entity: str, src: int, line: int, row: Row) -> None:
        self._seq += 1
        buffer = self._buffers[entity]
        buffer.append((self._seq, src, line, *row))
        if len(buffer) >= self.batch:
            self._flush(entity)

    def _flush(self, entity: str) -> None:
        rows = self._buffers[entity]
        if not rows:
            return
        name, columns = TABLES[entity]
        names = ["seq", "src", "line", *(column for column, _ in columns)]
        if self._postgres:
            # The raw psycopg connection (Django's cursor opens it) for COPY … FROM STDIN.
            with connection.cursor():
                raw = connection.connection
                assert raw is not None
                with raw.cursor() as copying, copying.copy(f"COPY {name} ({', '.join(names)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            with connection.cursor() as cursor:
                placeholders = ", ".join(["%s"] * len(names))
                cursor.executemany(f"INSERT INTO {name} ({', '.join(names)}) VALUES ({placeholders})", rows)
        self.counts[entity] += len(rows)
        rows.clear()

    def finish(self) -> None:
        """Write what is buffered and index the keys that checks and merges look rows up by."""
        for entity in ENTITIES:
            self._flush(entity)
        with connection.cursor() as cursor:
            for entity in ("sites", "customers", "assets"):
                key = TARGETS[entity][0]
                cursor.execute(f"CREATE INDEX {table(entity)}_key ON {table(entity)} ({key})")
            if self.sync:  # a sync looks each current flow up in the input (sync.find_ended)
                cursor.execute(f"CREATE INDEX {table('flows')}_key ON {table('flows')} (asset, kind)")
        analyse(*(name for name, _ in TABLES.values()))


def analyse(*tables: str) -> None:
    """PostgreSQL: refresh the planner's statistics of tables the import has just filled.

    Autovacuum never analyses temporary tables, nor rows this transaction has written; without it,
    checking 1M placements against 200k assets is planned as 1M index probes, not one hash join.
    (Never before filling a table: one analysed empty invites plans that rescan it per row.)
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in tables:
            cursor.execute(f"ANALYZE {name}")


@contextmanager
def larger_sqlite_cache() -> Iterator[None]:
    """SQLite only: raise the page cache for the import, and restore it afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    previous: dict[str, int] = {}
    with connection.cursor() as cursor:
        for schema, kib in SQLITE_CACHE_KIB.items():
            cursor.execute(f"PRAGMA {schema}.cache_size")
            previous[schema] = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA {schema}.cache_size = {-kib}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for schema, size in previous.items():
                cursor.execute(f"PRAGMA {schema}.cache_size = {size}")


def check_duplicates(staging: Staging, problems: ProblemLog) -> None:
    """Two rows of the input with the same key: every row after the first is a problem."""
    for entity, (columns, label) in KEYS.items():
        if not staging.counts[entity]:
            continue
        name = table(entity)
        key = ", ".join(columns)
        joined = " AND ".join(f"s.{c} = d.{c}" for c in columns)
        sql = f"""
        SELECT s.src, s.line, f.src, f.line, {", ".join(f"s.{c}" for c in columns)}
        FROM (SELECT {key}, MIN(seq) AS first_seq FROM {name} GROUP BY {key} HAVING COUNT(*) > 1) d
        JOIN {name} s ON {joined} AND s.seq <> d.first_seq
        JOIN {name} f ON f.seq = d.first_seq
        ORDER BY s.seq
        """
        for src, line, first_src, first_line, *values in _rows(sql):
            shown = " ".join(str(v) for v in values if v not in (None, ""))
            first = f"{staging.files[first_src]}:{first_line}"
            problems.add(staging.files[src], line, label, f"duplicate {NOUNS[entity]} {shown!r} (first at {first})")


def check_references(
    staging: Staging,
    problems: ProblemLog,
    labels: Mapping[tuple[str, str], str],
    ending_source: str | None = None,
) -> None:
    """References to rows that are neither in the input nor in the database: one query per kind.

    An asset an earlier sync ended is no longer there to refer to, unless the input names it again; in
    a sync of ``ending_source``, neither is an asset of that source the input no longer has (the sync
    ends it)."""
    for entity, column, target in REFERENCES:
        if not staging.counts[entity]:
            continue
        stage_key, target_table, target_key = TARGETS[target]
        gone = "FALSE"
        if target == "assets":
            gone = "t.ended_at IS NOT NULL" + (" OR t.source = %(source)s" if ending_source else "")
        # Staging first (both sides have fresh statistics), then the few rows left against the
        # database: planners misjudge tables this transaction is filling.
        sql = f"""
        WITH not_in_input AS MATERIALIZED (
            SELECT s.seq, s.src, s.line, s.{column} AS value
            FROM {table(entity)} s
            LEFT JOIN {table(target)} r ON r.{stage_key} = s.{column}
            WHERE s.{column} <> '' AND r.seq IS NULL
        )
        SELECT m.src, m.line, m.value, t.id IS NOT NULL
        FROM not_in_input m
        LEFT JOIN {target_table} t ON t.{target_key} = m.value
        WHERE t.id IS NULL OR {gone}
        ORDER BY m.seq
        """
        label = labels.get((entity, column), column)
        for src, line, value, known in _rows(sql, {"source": ending_source}):
            if not known:
                message = f"unknown {NOUNS[target]} {value!r} (not in the input nor in the database)"
            elif ending_source:
                message = f"{NOUNS[target]} {value!r} is not in the input, so this sync ends it (or it has ended)"
            else:
                message = f"{NOUNS[target]} {value!r} has ended (a sync no longer found it) and is not in the input"
            problems.add(staging.files[src], line, label, message)


def check_barred_customers(staging: Staging, problems: ProblemLog, labels: Mapping[tuple[str, str], str]) -> None:
    """Placements of a customer whose data was deleted at the end of its contract (GDPR Art. 28(3)(g);
    ``inventory.PlacementBar``): the deletion was certified, so the data may not come back. One query."""
    if not staging.counts["placements"]:
        return
    sql = f"""
    SELECT s.src, s.line, s.customer, bar.reason
    FROM {table("placements")} s
    JOIN core_organisation o ON o.ref = s.customer
    JOIN inventory_placementbar bar ON bar.customer_id = o.id
    ORDER BY s.seq
    """
    label = labels.get(("placements", "customer"), "customer")
    for src, line, customer, reason in _rows(sql):
        problems.add(
            staging.files[src],
            line,
            label,
            f"customer {customer!r}: {reason}; its data may not be placed again (a new contract lifts the bar)",
        )


def check_cycles(staging: Staging, problems: ProblemLog, labels: Mapping[tuple[str, str], str]) -> None:
    """Parents that would make the asset tree a cycle, counting the assets already in the database
    (the input may make existing A's parent B while B's parent is A)."""
    if not staging.counts["assets"]:
        return
    parent_of: dict[str, str | None] = {}
    where: dict[str, tuple[int, int, int]] = {}
    for ref, parent in _rows("SELECT a.ref, p.ref FROM inventory_asset a JOIN inventory_asset p ON p.id = a.parent_id"):
        parent_of[ref] = parent
    for seq, src, line, ref, parent in _rows(f"SELECT seq, src, line, ref, parent FROM {table('assets')} ORDER BY seq"):
        if parent is not None:
            parent_of[ref] = parent or None
        where.setdefault(ref, (seq, src, line))
    label = labels.get(("assets", "parent"), "parent")
    for cycle in find_cycles(parent_of, start=list(where)):
        first = min((ref for ref in cycle if ref in where), key=lambda ref: where[ref][0])
        _, src, line = where[first]
        at = cycle.index(first)
        path = [*cycle[at:], *cycle[:at], first]
        problems.add(staging.files[src], line, label, f"the asset tree would have a cycle: {' → '.join(path)}")


def _rows(sql: str, params: Any = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH):
            yield from batch

"""Full sync: the input is the whole inventory of its source, so that source's rows the input no longer
has are ended (docs/inventory-sync.md).

Ended, not deleted: an asset keeps its row with ``ended_at`` set (incidents and the history name it);
a placement or flow leaves the current tables, and its period in the history is closed. An asset
that ends takes along everything below it in the tree and every placement on them and flow from or
to them, whatever their source: data cannot stay on a server that is gone. Sites and customers are
never ended; the ones the input no longer has are reported.

A safety limit (``ART28_SYNC_MAX_END_SHARE``) refuses a sync that would end more than that share of
the source's assets or placements, unless forced: a truncated export must not wipe the inventory.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q

from art28.core.display import number_text
from art28.core.models import AuditEntry
from art28.inventory.engine import descendants_sql
from art28.inventory.importers import history
from art28.inventory.importers.merge import PLACEMENT_INPUT
from art28.inventory.importers.problems import ImportReport, Problem, SyncRefused
from art28.inventory.importers.staging import table
from art28.inventory.models import InventorySync

ENDED = {"assets": "art28_ended_assets", "placements": "art28_ended_placements", "flows": "art28_ended_flows"}
CURRENT = {"assets": "inventory_asset", "placements": "inventory_placement", "flows": "inventory_flow"}
# A dry run lists at most this many rows per entity and change; its counts are exact.
SHOWN_ROWS = 1000

# What a row is called in a dry run's listing, per entity (SQL over the current row ``t``).
_LABELS = {
    "assets": ("t.ref", ""),
    "placements": (
        "o.ref || ' @ ' || a.ref",
        "JOIN core_organisation o ON o.id = t.customer_id JOIN inventory_asset a ON a.id = t.asset_id",
    ),
    "flows": (
        "a.ref || ' → ' || COALESCE(ta.ref, ts.code, t.to_country) || ' (' || t.kind || ')'",
        "JOIN inventory_asset a ON a.id = t.asset_id LEFT JOIN inventory_asset ta ON ta.id = t.to_asset_id "
        "LEFT JOIN inventory_site ts ON ts.id = t.to_site_id",
    ),
}


def _execute(sql: str, params: list[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _scalar(sql: str, params: list[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def _column(sql: str, params: list[Any] | None = None) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [str(row[0]) for row in cursor.fetchall()]


# What a sync writes besides the inventory's own tables: the customers, and the glossary its categories are
# mapped to. An audit entry about any of these (every write goes through a service that writes one) means
# the same input could now give a different result. A new writer of these tables audits under one of them.
_INPUT_RESULT_OBJECTS = Q(object_type__startswith="inventory.") | Q(
    object_type__in=["core.organisation", "core.datacategory"]
)


def unchanged_since(report: ImportReport) -> InventorySync | None:
    """The source's last sync, when this one's input is byte-identical to it (same source, format and
    SHA-256) and nothing has changed the inventory, the customers or the glossary since (the audit trail
    has no entry about them after that sync's own): applying the input again would change nothing, so the
    sync is recorded without reading the rows again. None in every other case (then the rows are read)."""
    last = InventorySync.objects.order_by("-at", "-pk").first()
    if last is None or (last.mode, last.source, last.format, last.sha256) != (
        InventorySync.Mode.SYNC,
        report.source,
        report.format,
        report.sha256,
    ):
        return None
    recorded = (
        AuditEntry.objects.filter(object_type=InventorySync._meta.label_lower, object_id=str(last.pk))
        .values_list("seq", flat=True)
        .first()
    )
    if recorded is None or AuditEntry.objects.filter(_INPUT_RESULT_OBJECTS, seq__gt=recorded).exists():
        return None
    return last


def report_unchanged(report: ImportReport, last: InventorySync) -> None:
    """The counts of a sync that found its input unchanged: every row of the last sync, unchanged."""
    report.same_as = last.at
    report.entities = tuple(last.counts)
    for entity, figures in last.counts.items():
        rows = sum(figures.get(change, 0) for change in ("created", "updated", "unchanged"))
        report.counts[entity] = {"created": 0, "updated": 0, "unchanged": rows, "ended": 0}
        if "absent" in figures:
            report.counts[entity]["absent"] = figures["absent"]
            report.absent[entity] = []  # the count stands; the names were listed by that sync


def create_ended_tables() -> None:
    history.create_id_tables(ENDED.values())


def drop_ended_tables() -> None:
    history.drop_tables(ENDED.values())


def find_ended(report: ImportReport) -> None:
    """Fill the ended tables with the rows this sync ends, and count them in the report; change nothing.

    Entities the input did not carry (a CSV folder without flows.csv) are not ended: a missing file is
    not an empty one."""
    source, carried = report.source, report.entities
    if "assets" in carried:
        absent = (
            f"SELECT t.id FROM inventory_asset t LEFT JOIN {table('assets')} s ON s.ref = t.ref "
            "WHERE t.source = %s AND t.ended_at IS NULL AND s.seq IS NULL"
        )
        _execute(
            f"INSERT INTO {ENDED['assets']} (id) SELECT DISTINCT d.asset_id FROM ({descendants_sql(absent)}) d "
            "JOIN inventory_asset a ON a.id = d.asset_id WHERE a.ended_at IS NULL",
            [source],
        )
    if "placements" in carried:
        _execute(
            f"""INSERT INTO {ENDED["placements"]} (id)
            SELECT t.id FROM inventory_placement t
            LEFT JOIN {PLACEMENT_INPUT} s ON s.customer_id = t.customer_id AND s.asset_id = t.asset_id
            WHERE t.source = %s AND s.customer_id IS NULL""",
            [source],
        )
    if "flows" in carried:
        _execute(
            f"""INSERT INTO {ENDED["flows"]} (id)
            SELECT t.id FROM inventory_flow t
            JOIN inventory_asset a ON a.id = t.asset_id
            LEFT JOIN inventory_asset ta ON ta.id = t.to_asset_id
            LEFT JOIN inventory_site ts ON ts.id = t.to_site_id
            LEFT JOIN {table("flows")} s ON s.asset = a.ref AND s.kind = t.kind
                AND COALESCE(s.to_asset, '') = COALESCE(ta.ref, '') AND COALESCE(s.to_site, '') = COALESCE(ts.code, '')
                AND COALESCE(s.to_country, '') = t.to_country
            WHERE t.source = %s AND s.seq IS NULL""",
            [source],
        )
    # What an ending asset takes along, whatever its source.
    _execute(
        f"INSERT INTO {ENDED['placements']} (id) SELECT p.id FROM inventory_placement p "
        f"WHERE p.asset_id IN (SELECT id FROM {ENDED['assets']}) AND TRUE ON CONFLICT DO NOTHING"
    )
    _execute(
        f"INSERT INTO {ENDED['flows']} (id) SELECT f.id FROM inventory_flow f "
        f"WHERE f.asset_id IN (SELECT id FROM {ENDED['assets']}) "
        f"OR f.to_asset_id IN (SELECT id FROM {ENDED['assets']}) AND TRUE ON CONFLICT DO NOTHING"
    )
    for entity, name in ENDED.items():
        report.counts[entity]["ended"] = _scalar(f"SELECT COUNT(*) FROM {name}")
    for entity, (target, key) in {
        "sites": ("inventory_site", "code"),
        "customers": ("core_organisation", "ref"),
    }.items():
        if entity in carried:
            missing = f"FROM {target} t WHERE NOT EXISTS (SELECT 1 FROM {table(entity)} s WHERE s.{key} = t.{key})"
            report.counts[entity]["absent"] = _scalar(f"SELECT COUNT(*) {missing}")
            report.absent[entity] = _column(f"SELECT t.{key} {missing} ORDER BY t.{key} LIMIT {SHOWN_ROWS}")


def refusal(report: ImportReport, input_name: str) -> SyncRefused | None:
    """The safety limit: ending more than ART28_SYNC_MAX_END_SHARE of the source's current assets or
    placements (as they were before this sync) is refused. Exactly the limit is allowed."""
    limit = settings.ART28_SYNC_MAX_END_SHARE
    problems = []
    for entity in ("assets", "placements"):
        ended = report.counts[entity]["ended"]
        if not ended:
            continue
        current = "t.ended_at IS NULL" if entity == "assets" else "TRUE"
        before = (
            _scalar(f"SELECT COUNT(*) FROM {CURRENT[entity]} t WHERE t.source = %s AND {current}", [report.source])
            - report.counts[entity]["created"]
        )
        if ended > limit * max(before, 0):
            share = ended / before if before > 0 else 1.0
            problems.append(
                Problem(
                    input_name,
                    0,
                    entity,
                    f"this sync would end {number_text(ended)} of the {number_text(before)} {entity} ({share:.0%}) "
                    f"from source {report.source!r}, more than the limit of {limit:.0%} "
                    "(ART28_SYNC_MAX_END_SHARE); check that the input is complete, or run again with --force",
                )
            )
    return SyncRefused(problems) if problems else None


def collect_rows(report: ImportReport, marks: dict[str, int]) -> None:
    """For a dry run: the labels of the rows created, updated and ended, per entity (at most SHOWN_ROWS)."""
    for entity, (label, joins) in _LABELS.items():
        current, touched = CURRENT[entity], history.HISTORIES[entity].touched
        base = f"SELECT {label} AS label FROM {current} t {joins}"
        ended = f"SELECT id FROM {ENDED[entity]}"
        report.rows[entity] = {
            "created": _column(f"{base} WHERE t.id > %s ORDER BY label LIMIT {SHOWN_ROWS}", [marks[entity]]),
            "updated": _column(
                f"{base} WHERE t.id IN (SELECT id FROM {touched}) AND t.id NOT IN ({ended}) "
                f"ORDER BY label LIMIT {SHOWN_ROWS}"
            ),
            "ended": _column(f"{base} WHERE t.id IN ({ended}) ORDER BY label LIMIT {SHOWN_ROWS}"),
        }


def apply_ending(now: dt.datetime) -> None:
    """End the rows found by find_ended, and touch them so that the history closes their periods."""
    for entity, name in ENDED.items():
        history.touch_select(entity, f"SELECT id FROM {name}")
    _execute(f"DELETE FROM inventory_placement WHERE id IN (SELECT id FROM {ENDED['placements']})")
    _execute(f"DELETE FROM inventory_flow WHERE id IN (SELECT id FROM {ENDED['flows']})")
    _execute(
        f"UPDATE inventory_asset SET ended_at = %s WHERE id IN (SELECT id FROM {ENDED['assets']})",
        [connection.ops.adapt_datetimefield_value(now)],
    )

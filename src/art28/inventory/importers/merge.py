"""The set-based merge of checked staging tables into the inventory (S1).

In dependency order: sites → customers → services → assets → placements → flows. Each entity is
an UPDATE … FROM for rows whose fields differ (compared with IS DISTINCT FROM) and an INSERT …
SELECT for new rows; created/updated come from row counts, unchanged is what is left. Rows that the
input does not mention are left as they are here; a full sync then ends its source's absent rows
(sync.py). Every change is written to the history (history.py). The same SQL runs on SQLite (3.39+:
UPDATE FROM, IS DISTINCT FROM, RETURNING) and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from art28.inventory.engine import refresh_locations
from art28.inventory.importers import history
from art28.inventory.importers.problems import ImportReport
from art28.inventory.importers.staging import Staging, analyse, table


def _new_rows_only(target: str) -> str:
    """The clause that skips rows the table already has (by its unique key); none on an empty table.

    Not NOT EXISTS on the table being filled: PostgreSQL may plan that as a scan per row of a table
    that grows as it inserts (hours for 1M rows). "WHERE TRUE" keeps SQLite from reading ON
    CONFLICT as a join's ON.
    """
    return "WHERE TRUE ON CONFLICT DO NOTHING" if _has_rows(target) else ""


def _has_rows(target: str) -> bool:
    return bool(_scalar(f"SELECT COUNT(*) FROM (SELECT 1 FROM {target} LIMIT 1) AS any_row"))


def _execute(sql: str, params: tuple[Any, ...] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or None)
        return max(cursor.rowcount, 0)


def _updated_ids() -> str:
    """The RETURNING clause of an UPDATE … AS t FROM: SQLite's may only name the target's columns, and
    unqualified; PostgreSQL's must qualify them where the FROM tables have an ``id`` too."""
    return "RETURNING t.id" if connection.vendor == "postgresql" else "RETURNING id"


def _returning(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[int]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or None)
        return [(int(row[0]),) for row in cursor.fetchall()]


def _scalar(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0])


def _upsert(
    *,
    target: str,
    source: str,
    match: str,
    assignments: list[tuple[str, str]],
    insert: list[tuple[str, str]],
    touch: tuple[tuple[str, str], ...] = (),
    update_params: tuple[Any, ...] = (),
    insert_params: tuple[Any, ...] = (),
    touched: str | None = None,
) -> tuple[int, int]:
    """UPDATE the matching rows whose assigned values differ, then INSERT the rest: (created, updated).

    On an empty table (a first import) there is nothing to update or to skip.

    ``assignments`` are (column, expression over s and t); ``touch`` columns (e.g. updated_at) are set
    on changed rows but not compared. With ``touched`` (an entity of history.HISTORIES), the ids of the
    updated rows go to its touched table, for the history.
    """
    updated, new_only = 0, _new_rows_only(target)
    if new_only:
        sets = ", ".join(f"{column} = {expression}" for column, expression in [*assignments, *touch])
        differs = " OR ".join(f"t.{column} IS DISTINCT FROM {expression}" for column, expression in assignments)
        update = f"UPDATE {target} AS t SET {sets} FROM {source} WHERE {match} AND ({differs})"
        if touched is None:
            updated = _execute(update, update_params)
        else:
            ids = _returning(f"{update} {_updated_ids()}", update_params)
            history.touch(touched, ids)
            updated = len(ids)
    if not insert:  # the caller inserted the new rows itself
        return 0, updated
    columns = ", ".join(column for column, _ in insert)
    values = ", ".join(expression for _, expression in insert)
    created = _execute(
        f"INSERT INTO {target} ({columns}) SELECT {values} FROM {source} {new_only}",
        insert_params,
    )
    return created, updated


def _count(report: ImportReport, entity: str, staged: int, created: int, updated: int) -> None:
    report.counts[entity].update(created=created, updated=updated, unchanged=staged - created - updated)


def merge_all(staging: Staging, report: ImportReport, now: dt.datetime, source: str) -> dict[str, int]:
    """Merge every staged entity; return each history entity's watermark (its highest id before the
    merge: rows above it are this import's), for history.record_periods."""
    counts = staging.counts
    marks = {entity: history.watermark(entity) for entity in ("assets", "placements", "flows")}
    if counts["sites"]:
        _count(report, "sites", counts["sites"], *_merge_sites())
    if counts["customers"]:
        _count(report, "customers", counts["customers"], *_merge_customers(now))
    if counts["assets"]:
        report.services_created = _merge_services()
        _claim_unsourced("inventory_asset", f"SELECT 1 FROM {table('assets')} s WHERE s.ref = t.ref", source)
        _count(report, "assets", counts["assets"], *_merge_assets(source, marks["assets"]))
        refresh_locations()
        analyse("inventory_asset")  # placements and flows look the new assets up
    # Always (empty when the input has no placements): a sync of an empty placements file ends them all.
    _resolve_placements(index=report.sync)
    if counts["placements"]:
        _claim_unsourced(
            "inventory_placement",
            f"SELECT 1 FROM {PLACEMENT_INPUT} s WHERE s.customer_id = t.customer_id AND s.asset_id = t.asset_id",
            source,
        )
        _count(report, "placements", counts["placements"], *_merge_placements(source))
    if counts["flows"]:
        created = _merge_flows(source)
        _count(report, "flows", counts["flows"], created, 0)
    return marks


def _claim_unsourced(target: str, in_input: str, source: str) -> None:
    """Rows from before sources were recorded (source '') belong to the first source whose input has
    them; not counted as a change. Skipped (one cheap query) once no such row is left."""
    if not _scalar(f"SELECT COUNT(*) FROM (SELECT 1 FROM {target} WHERE source = '' LIMIT 1) AS unsourced"):
        return
    _execute(f"UPDATE {target} AS t SET source = %s WHERE t.source = '' AND EXISTS ({in_input})", (source,))


def _merge_sites() -> tuple[int, int]:
    # The history keeps a site's country: the sites whose country changes are touched before the update.
    history.touch_select(
        "sites",
        f"SELECT t.id FROM inventory_site t JOIN {table('sites')} s ON t.code = s.code "
        "WHERE t.country IS DISTINCT FROM s.country",
    )
    created = _returning(
        f"""INSERT INTO inventory_site (code, name, city, country, country_source, country_source_detail, operator,
                                        time_zone)
        SELECT s.code, s.name, COALESCE(s.city, ''), s.country, s.country_source, s.country_source_detail,
               COALESCE(s.operator, ''), COALESCE(s.time_zone, '')
        FROM {table("sites")} s WHERE TRUE ON CONFLICT DO NOTHING
        RETURNING id"""
    )
    history.touch("sites", created)
    _, updated = _upsert(
        target="inventory_site",
        source=f"{table('sites')} s",
        match="t.code = s.code",
        assignments=[
            ("name", "s.name"),
            ("city", "COALESCE(s.city, t.city)"),
            ("country", "s.country"),
            ("country_source", "s.country_source"),
            ("country_source_detail", "s.country_source_detail"),
            ("operator", "COALESCE(s.operator, t.operator)"),
            ("time_zone", "COALESCE(s.time_zone, t.time_zone)"),
        ],
        insert=[],
    )
    return len(created), updated


def _merge_customers(now: dt.datetime) -> tuple[int, int]:
    stamp = connection.ops.adapt_datetimefield_value(now)
    history.touch_select(
        "customers",
        f"SELECT t.id FROM core_organisation t JOIN {table('customers')} s ON t.ref = s.ref "
        "WHERE t.allowed_countries IS DISTINCT FROM COALESCE(s.allowed_countries, t.allowed_countries)",
    )
    # security_email is not part of the import: new customers start without one.
    created = _returning(
        f"""INSERT INTO core_organisation (ref, name, country, language, privacy_email, security_email,
                                           allowed_countries, created_at, updated_at)
        SELECT s.ref, s.name, COALESCE(s.country, ''), COALESCE(s.language, 'en'), COALESCE(s.privacy_email, ''),
               '', COALESCE(s.allowed_countries, ''), %s, %s
        FROM {table("customers")} s WHERE TRUE ON CONFLICT DO NOTHING
        RETURNING id""",
        (stamp, stamp),
    )
    history.touch("customers", created)
    _, updated = _upsert(
        target="core_organisation",
        source=f"{table('customers')} s",
        match="t.ref = s.ref",
        assignments=[
            ("name", "s.name"),
            ("country", "COALESCE(s.country, t.country)"),
            ("language", "COALESCE(s.language, t.language)"),
            ("privacy_email", "COALESCE(s.privacy_email, t.privacy_email)"),
            ("allowed_countries", "COALESCE(s.allowed_countries, t.allowed_countries)"),
        ],
        touch=(("updated_at", "%s"),),
        update_params=(stamp,),
        insert=[],
    )
    return len(created), updated


def _merge_services() -> int:
    """Services are named by the assets that serve them; create the ones not known yet."""
    return _execute(
        # The English name from the file; translations are added by staff later (art28.core.translated).
        f"INSERT INTO inventory_service (name, name_i18n, description, description_i18n) "
        f"SELECT named.service, '{{}}', '', '{{}}' "
        f"FROM (SELECT DISTINCT service FROM {table('assets')} WHERE service <> '') named "
        f"{_new_rows_only('inventory_service')}"
    )


# The asset row as the input wants it: a NULL staged site or service keeps the existing one.
_ASSET_SOURCE = f"""{table("assets")} s
LEFT JOIN inventory_site st ON st.code = s.site
LEFT JOIN inventory_service sv ON sv.name = s.service
LEFT JOIN inventory_asset p ON p.ref = s.parent"""


def _merge_assets(source: str, mark: int) -> tuple[int, int]:
    """New assets are inserted without parents first, so that a child may come before its parent; the
    UPDATE then sets every changed field (parents of new assets included). An ended asset that the input
    names again is current again."""
    created = _execute(
        f"""
        INSERT INTO inventory_asset (ref, kind, site_id, service_id, source, ended_at)
        SELECT s.ref, s.kind, st.id, sv.id, %s, NULL
        FROM {table("assets")} s
        LEFT JOIN inventory_site st ON st.code = s.site
        LEFT JOIN inventory_service sv ON sv.name = s.service
        {"WHERE TRUE ON CONFLICT DO NOTHING" if mark else ""}
        """,
        (source,),
    )
    assignments = [
        ("kind", "s.kind"),
        ("site_id", "CASE WHEN s.site IS NULL THEN t.site_id ELSE st.id END"),
        ("service_id", "CASE WHEN s.service IS NULL THEN t.service_id ELSE sv.id END"),
        ("parent_id", "CASE WHEN s.parent IS NULL THEN t.parent_id ELSE p.id END"),
        ("ended_at", "NULL"),
    ]
    changed = _returning(
        f"UPDATE inventory_asset AS t SET {', '.join(f'{c} = {e}' for c, e in assignments)} "
        f"FROM {_ASSET_SOURCE} WHERE t.ref = s.ref AND ("
        + " OR ".join(f"t.{c} IS DISTINCT FROM {e}" for c, e in assignments)
        + f") {_updated_ids()}"
    )
    # New assets got their parents here too: only the older ones count as updated (and are touched; the
    # new ones' periods start from the watermark).
    updated = [row for row in changed if row[0] <= mark]
    history.touch("assets", updated)
    return created, len(updated)


# The input's placements by ids (customer and asset looked up once): the merge and a sync's search for
# what the input no longer has (sync.find_ended) compare integers, not references, over 1M rows.
PLACEMENT_INPUT = "art28_placement_input"


def _resolve_placements(*, index: bool) -> None:
    _execute(f"DROP TABLE IF EXISTS {PLACEMENT_INPUT}")
    _execute(
        f"""CREATE TEMPORARY TABLE {PLACEMENT_INPUT} AS
        SELECT o.id AS customer_id, a.id AS asset_id, s.data_categories, s.subject_categories, s.subjects, s.records
        FROM {table("placements")} s
        JOIN core_organisation o ON o.ref = s.customer
        JOIN inventory_asset a ON a.ref = s.asset"""
    )
    if index:  # SQLite drives a sync's anti-join from the current placements through it
        _execute(f"CREATE INDEX {PLACEMENT_INPUT}_key ON {PLACEMENT_INPUT} (customer_id, asset_id)")
    analyse(PLACEMENT_INPUT)


def _merge_placements(source: str) -> tuple[int, int]:
    """Matched by (customer, asset). NULL staged figures (NetBox) never overwrite existing ones, nor do
    subject categories a file did not give (no such column or field)."""
    sql_source = f"{PLACEMENT_INPUT} s"
    return _upsert(
        target="inventory_placement",
        source=sql_source,
        match="t.customer_id = s.customer_id AND t.asset_id = s.asset_id",
        assignments=[
            ("data_categories", "COALESCE(s.data_categories, t.data_categories)"),
            ("subject_categories", "COALESCE(s.subject_categories, t.subject_categories)"),
            ("subjects", "COALESCE(s.subjects, t.subjects)"),
            ("records", "COALESCE(s.records, t.records)"),
        ],
        insert=[
            ("customer_id", "s.customer_id"),
            ("asset_id", "s.asset_id"),
            ("data_categories", "COALESCE(s.data_categories, '')"),
            ("subject_categories", "COALESCE(s.subject_categories, '')"),
            ("subjects", "COALESCE(s.subjects, 0)"),
            ("records", "COALESCE(s.records, 0)"),
            ("source", "%s"),
        ],
        insert_params=(source,),
        touched="placements",
    )


def _merge_flows(source: str) -> int:
    """A flow is all key (asset, kind, destination): it is created or unchanged, never updated."""
    return _execute(
        f"""
        INSERT INTO inventory_flow (asset_id, kind, to_asset_id, to_site_id, to_country, source)
        SELECT a.id, s.kind, ta.id, ts.id, s.to_country, %s
        FROM {table("flows")} s
        JOIN inventory_asset a ON a.ref = s.asset
        LEFT JOIN inventory_asset ta ON ta.ref = s.to_asset
        LEFT JOIN inventory_site ts ON ts.code = s.to_site
        {_new_rows_only("inventory_flow")}
        """,
        (source,),
    )

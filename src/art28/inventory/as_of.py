"""The inventory "as of" a past moment, from its history (docs/inventory-sync.md, "As of").

``inventory_as_of(at)`` rebuilds, for the duration of a block and on this connection only, the tables
that residency and impact answers read (sites, organisations, assets, placements, flows) as they were
at ``at``, in temporary tables of the same names. Both SQLite and PostgreSQL look unqualified names up in
the connection's temporary schema first, so the same engines (residency.engine, breaches.impact) answer
"as of" without a second copy of their SQL. The block runs in a transaction and only reads; the
temporary tables are dropped at its end.

What is taken from the history: each site's country, each customer's own allowed countries, each asset's
kind, site, parent and service (its effective location is recomputed), the placements and the flows, and
the tables other apps register (``register_snapshot``: the sub-processors' countries), all as held at
``at`` (half-open periods: a row that ended exactly at ``at`` no longer holds). What is not: names and
contacts (as they are now), the provider's default allowed countries (the setting now).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from art28.core.display import datetime_text
from art28.core.models import Organisation
from art28.inventory.engine import refresh_locations
from art28.inventory.models import Asset, Flow, InventorySync, Placement, Site


class HistoryUnavailable(ValueError):
    """The moment asked for is before the history begins (or there is no history at all)."""

    def __init__(self, at: dt.datetime, earliest: dt.datetime | None) -> None:
        self.at, self.earliest = at, earliest
        if earliest is None:
            message = "the inventory has no history yet: it begins with the first import"
        else:
            message = (
                f"the inventory's history begins on {datetime_text(earliest)}; "
                f"there is no answer for {datetime_text(at)}"
            )
        super().__init__(message)


def parse_moment(text: str) -> dt.datetime:
    """An ISO date-time (without zone: ART28_TIME_ZONE), or a date meaning the END of that day there
    (its last microsecond: "as of 14 March" includes all of 14 March). Raises ValueError."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time()) - dt.timedelta(microseconds=1)
            return timezone.make_aware(end)
        moment = dt.datetime.fromisoformat(text)
        aware = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    except (ValueError, OverflowError):  # 9999-12-31: its end of day overflows
        raise ValueError(f"{text!r} is not a date (2026-03-14) or a date-time (2026-03-14T09:30)") from None
    return aware


def earliest_history() -> dt.datetime | None:
    return InventorySync.objects.aggregate(first=Min("at"))["first"]


def check_history(at: dt.datetime) -> None:
    earliest = earliest_history()
    if earliest is None or at < earliest:
        raise HistoryUnavailable(at, earliest)


def _columns(model: Any) -> list[str]:
    return [field.column for field in model._meta.concrete_fields]


def _covering(alias: str) -> str:
    return f"{alias}.valid_from <= %(at)s AND ({alias}.valid_to IS NULL OR {alias}.valid_to > %(at)s)"


# Per table: the model, the FROM clause over the real tables, and the expressions that differ from
# "the real row's own column" (everything else is copied from the alias ``r``).
_SNAPSHOTS: list[tuple[Any, str, dict[str, str]]] = [
    (
        Site,
        "{main}inventory_site r JOIN {main}inventory_siteperiod h ON h.site_id = r.id AND " + _covering("h"),
        {"country": "h.country"},
    ),
    (
        Organisation,
        "{main}core_organisation r LEFT JOIN {main}core_allowedcountriesperiod h "
        "ON h.organisation_id = r.id AND " + _covering("h"),
        {"allowed_countries": "COALESCE(h.allowed_countries, r.allowed_countries)"},
    ),
    (
        Asset,
        "{main}inventory_asset r JOIN {main}inventory_assetperiod h ON h.asset_id = r.id AND " + _covering("h"),
        {
            "kind": "h.kind",
            "site_id": "h.site_id",
            "parent_id": "h.parent_id",
            "service_id": "h.service_id",
            "location_id": "NULL",
            "ended_at": "NULL",
        },
    ),
    (
        Placement,
        "{main}inventory_placementperiod r WHERE " + _covering("r"),
        {"id": "r.placement_id", "source": "''"},
    ),
    (Flow, "{main}inventory_flowperiod r WHERE " + _covering("r"), {"id": "r.flow_id", "source": "''"}),
]
# What the engines look rows up by, on the temporary copies.
_INDEXES: dict[str, list[str]] = {
    "inventory_site": ["id", "code"],
    "core_organisation": ["id", "ref"],
    "inventory_asset": ["id", "ref", "parent_id", "location_id", "service_id"],
    "inventory_placement": ["id", "asset_id", "customer_id"],
    "inventory_flow": ["id", "asset_id", "to_asset_id"],
}


def register_snapshot(model: Any, source: str, overrides: dict[str, str], indexes: list[str]) -> None:
    """Let a domain app that the inventory may not import (the arrows point at it) add a table of its own
    to the "as of" copies: ``source`` selects the rows as of ``%(at)s`` (``{main}`` the real tables'
    schema, ``r`` the real rows), ``overrides`` the columns taken from its history. Called from the
    app's ``AppConfig.ready``; the sub-processors' countries use it (subprocessors/apps.py)."""
    if all(registered is not model for registered, _source, _overrides in _SNAPSHOTS):
        _SNAPSHOTS.append((model, source, overrides))
        _INDEXES[model._meta.db_table] = indexes


def _schemas() -> tuple[str, str]:
    """(the real tables' schema prefix, the temporary schema's) for this database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            return f"{cursor.fetchone()[0]}.", "pg_temp."
    return "main.", "temp."


@contextmanager
def inventory_as_of(at: dt.datetime) -> Iterator[None]:
    """Within the block, this connection reads the inventory as it was at ``at``; raise HistoryUnavailable
    when ``at`` is before the history begins."""
    check_history(at)
    with transaction.atomic():
        main, temp = _schemas()
        params = {"at": connection.ops.adapt_datetimefield_value(at)}
        created: list[str] = []
        try:
            with connection.cursor() as cursor:
                for model, source, overrides in _SNAPSHOTS:
                    name = model._meta.db_table
                    columns = _columns(model)
                    cursor.execute(f"CREATE TEMPORARY TABLE {name} AS SELECT * FROM {main}{name} WHERE 1 = 0")
                    created.append(name)
                    values = ", ".join(overrides.get(column, f"r.{column}") for column in columns).format(main=main)
                    cursor.execute(
                        f"INSERT INTO {temp}{name} ({', '.join(columns)}) "
                        f"SELECT {values} FROM {source.format(main=main)}",
                        params,
                    )
                    for column in _INDEXES[name]:
                        # SQLite puts an index in the schema its NAME names (else main, on the real table);
                        # PostgreSQL puts it beside its table and refuses a schema on the name.
                        index = f"art28_asof_{name}_{column}"
                        if connection.vendor == "postgresql":
                            cursor.execute(f"CREATE INDEX {index} ON {temp}{name} ({column})")
                        else:
                            cursor.execute(f"CREATE INDEX {temp}{index} ON {name} ({column})")
                    if connection.vendor == "postgresql":
                        cursor.execute(f"ANALYZE {temp}{name}")
            refresh_locations()  # on the temporary assets: the effective sites as they were
            yield
        finally:
            with connection.cursor() as cursor:
                for name in reversed(created):
                    cursor.execute(f"DROP TABLE IF EXISTS {temp}{name}")

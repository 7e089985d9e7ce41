"""Badge logs in other shapes (docs/physical.md, "Other exports"): a CSV export described by a mapping
profile (a small YAML file naming which column is which), and Microsoft's physical badging schema (JSON
objects with ``UserId``, ``AssetId``, ``EventTime``, ``AccessStatus``). Each is turned, row by row, into
art28's own ``events.csv`` in a temporary folder and imported by the same importer in one transaction;
problems name the original file and its line (or item).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from art28.core.audit import Actor
from art28.inventory.models import Site
from art28.inventory.timezones import site_zone
from art28.physical.importer import COLUMNS, PhysicalImportFailed, PhysicalImportReport, physical_import
from art28.physical.models import BadgeHolding, Door, Person

EVENT_COLUMNS = COLUMNS["events.csv"][0]
PROFILE_KEYS = {"delimiter", "encoding", "columns", "values", "constants", "time_format", "time_zone"}


@dataclass
class Profile:
    """Which column of the export is which of art28's event fields, how values translate, and how its
    times are written. ``time_zone``: ``site`` (the site's clock) or an IANA name, for times without an
    offset; such a time in the hour that autumn repeats is read as its first occurrence, one in the hour
    that spring skips is refused."""

    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    time_format: str | None = None
    time_zone: str = "site"


def load_profile(path: Path) -> Profile:
    """Read and check a mapping profile; raises PhysicalImportFailed naming the file and the key."""
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PhysicalImportFailed([f"{name}: not a readable YAML file ({exc})"]) from None
    problems: list[str] = []
    if not isinstance(data, dict):
        raise PhysicalImportFailed([f"{name}: a mapping of keys is expected (columns, values, constants, …)"])
    for key in sorted(set(data) - PROFILE_KEYS):
        problems.append(f"{name}: {key}: unknown key (expected one of {', '.join(sorted(PROFILE_KEYS))})")
    columns = data.get("columns") or {}
    constants = data.get("constants") or {}
    values = data.get("values") or {}
    if not isinstance(columns, dict) or not isinstance(constants, dict) or not isinstance(values, dict):
        raise PhysicalImportFailed([f"{name}: columns, values and constants are mappings"])
    for key in sorted((set(columns) | set(constants) | set(values)) - set(EVENT_COLUMNS)):
        problems.append(f"{name}: {key}: not a field of events.csv ({', '.join(EVENT_COLUMNS)})")
    for missing in [c for c in EVENT_COLUMNS if c not in columns and c not in constants]:
        problems.append(f"{name}: columns.{missing}: required (the export's column), or a constant")
    zone = str(data.get("time_zone", "site"))
    if zone != "site":
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(f"{name}: time_zone: {zone!r} is not 'site' nor an IANA time zone")
    if problems:
        raise PhysicalImportFailed(problems)
    return Profile(
        columns={str(k): str(v) for k, v in columns.items()},
        values={str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in values.items()},
        constants={str(k): str(v) for k, v in constants.items()},
        delimiter=str(data.get("delimiter", ",")),
        encoding=str(data.get("encoding", "utf-8-sig")),
        time_format=data.get("time_format"),
        time_zone=zone,
    )


class _Clock:
    """Naive local times → instants with their offset, on the site's clock or a named zone."""

    def __init__(self, zone: str) -> None:
        self.zone = zone
        self.sites: dict[str, zoneinfo.ZoneInfo | None] = {}

    def of(self, site_code: str) -> zoneinfo.ZoneInfo | None:
        if self.zone != "site":
            return zoneinfo.ZoneInfo(self.zone)
        if site_code not in self.sites:
            site = Site.objects.filter(code=site_code).first()
            self.sites[site_code] = site_zone(site) if site else None
        return self.sites[site_code]


def _instant(text: str, time_format: str | None, clock: zoneinfo.ZoneInfo | None) -> dt.datetime:
    moment = dt.datetime.strptime(text, time_format) if time_format else dt.datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        return moment
    if clock is None:
        raise ValueError("the site is unknown, so its clock is too")
    local = moment.replace(tzinfo=clock)  # fold=0: the first of an hour autumn repeats
    if local.astimezone(dt.UTC).astimezone(clock).replace(tzinfo=None) != moment:
        raise ValueError(f"{text!r} does not exist on the site's clock (the hour skipped in spring)")
    return local


def profile_rows(path: Path, profile: Profile, problems: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(line, events.csv row) of each line of the export; a line that cannot be mapped is a problem."""
    clock = _Clock(profile.time_zone)
    with path.open(newline="", encoding=profile.encoding) as handle:
        reader = csv.reader(handle, delimiter=profile.delimiter)
        header = [column.strip() for column in next(reader, [])]
        missing = [c for c in profile.columns.values() if c not in header]
        if missing:
            problems.append(f"{path.name}:1: the profile's column(s) {', '.join(repr(c) for c in missing)} "
                            "are not in the header")  # fmt: skip
            return
        index = {name: header.index(column) for name, column in profile.columns.items()}
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            row: dict[str, str] = dict(profile.constants)
            try:
                for name, position in index.items():
                    row[name] = cells[position].strip()
            except IndexError:
                problems.append(f"{path.name}:{line}: {len(cells)} fields, the header has {len(header)}")
                continue
            for name, table in profile.values.items():
                if row.get(name, "") in table:
                    row[name] = table[row[name]]
            try:
                row["time"] = _instant(row["time"], profile.time_format, clock.of(row["site"])).isoformat()
            except ValueError as exc:
                problems.append(f"{path.name}:{line}: time: {exc}")
                continue
            yield line, [row[c] for c in EVENT_COLUMNS]


def msbadging_rows(path: Path, problems: list[str]) -> Iterator[tuple[int, list[str]]]:
    """Microsoft's physical badging schema: a JSON array (or JSON lines) of objects with ``UserId`` (the
    person's e-mail), ``AssetId`` (the door: known from an earlier import, which gives its site and zone),
    ``EventTime`` (ISO 8601) and ``AccessStatus`` (``Success`` or ``Failed``). The schema has no
    direction: every read is an entry. The badge is the one the person held that day; a person without one
    gives ``user:<UserId>``, an unknown badge, which the rules report."""
    try:
        text = path.read_text(encoding="utf-8-sig").strip()
        items = json.loads(text) if text.startswith("[") else [json.loads(line) for line in text.splitlines() if line]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(f"{path.name}: not JSON or JSON lines ({exc})")
        return
    doors = {door.name: door for door in Door.objects.select_related("site", "zone")}
    people = {email.lower(): pk for email, pk in Person.objects.exclude(email="").values_list("email", "pk")}
    holdings: dict[int, list[BadgeHolding]] = {}
    for holding in BadgeHolding.objects.filter(person_id__in=people.values()).order_by("held_from"):
        holdings.setdefault(holding.person_id, []).append(holding)
    for number, item in enumerate(items, start=1):
        where = f"{path.name}: item {number}"
        fields = _ms_fields(item, where, problems)
        if fields is None:
            continue
        user, asset, moment, status = fields
        door = doors.get(asset)
        if door is None:
            problems.append(f"{where}: AssetId: {asset!r} is no known door (import the door's zone first)")
            continue
        local_day = moment.astimezone(site_zone(door.site)).date()
        badge = next(
            (h.badge for h in reversed(holdings.get(people.get(user.lower(), -1), []))
             if h.held_from <= local_day and (h.held_until is None or h.held_until >= local_day)),
            f"user:{user}",
        )  # fmt: skip
        result = "granted" if status == "success" else "denied"
        yield number, [moment.isoformat(), door.site.code, door.zone.name, door.name, badge, result, "in"]


def _ms_fields(item: Any, where: str, problems: list[str]) -> tuple[str, str, dt.datetime, str] | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: an object is expected")
        return None
    missing = [k for k in ("UserId", "AssetId", "EventTime", "AccessStatus") if not str(item.get(k) or "").strip()]
    if missing:
        problems.append(f"{where}: {', '.join(missing)}: required")
        return None
    status = str(item["AccessStatus"]).strip().lower()
    if status not in ("success", "failed"):
        problems.append(f"{where}: AccessStatus: {item['AccessStatus']!r} is not Success or Failed")
        return None
    try:
        moment = dt.datetime.fromisoformat(str(item["EventTime"]).strip())
    except ValueError:
        problems.append(f"{where}: EventTime: {item['EventTime']!r} is not an ISO 8601 time")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)  # the schema's times are UTC
    return str(item["UserId"]).strip(), str(item["AssetId"]).strip(), moment, status


def import_mapped(
    path: Path,
    rows: Callable[[Path, list[str]], Iterator[tuple[int, list[str]]]],
    *,
    actor: Actor,
    where: Callable[[int], str],
) -> PhysicalImportReport:
    """Write the mapped rows as events.csv in a temporary folder and import it; the importer's problems
    are named after the original file (``where(line of events.csv)``)."""
    problems: list[str] = []
    origin: list[int] = [0, 1]  # events.csv line → the original's line (or item)
    with tempfile.TemporaryDirectory(prefix="art28-physical-") as folder:
        with (Path(folder) / "events.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(EVENT_COLUMNS)
            for line, row in rows(path, problems):
                writer.writerow(row)
                origin.append(line)
        if problems:
            raise PhysicalImportFailed(problems)
        try:
            return physical_import(Path(folder), actor=actor)
        except PhysicalImportFailed as exc:
            renamed = []
            for problem in exc.problems:
                head, _sep, rest = problem.partition(": ")
                if head.startswith("events.csv:") and head[11:].isdigit() and int(head[11:]) < len(origin):
                    problem = f"{where(origin[int(head[11:])])}: {rest}"
                renamed.append(problem)
            raise PhysicalImportFailed(renamed) from None

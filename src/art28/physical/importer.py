"""`art28 physical-import PATH`: a folder of CSV files from the access-control system and HR (S5;
docs/physical.md, "Formats"): ``zones.csv``, ``people.csv``, ``badges.csv``, ``authorisations.csv``,
``events.csv``, each optional, read in that order.

One transaction: a bad row is reported as ``FILE:LINE: field: reason``, every problem of the input is
listed (up to ``MAX_PROBLEMS``), and nothing lands. Re-importing the same files changes nothing: zones,
people, badges and authorisations are matched by their keys and updated, events are unique by
(time, site, door, badge) and a known one is skipped. Events are read and written in batches (memory
does not grow with the log), their local date, weekday and minute computed on the site's clock.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import operator
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction

from art28.core.audit import Actor, audit_record
from art28.core.bulk import cyclic_gc_paused
from art28.core.models import User
from art28.inventory.models import Asset, Site
from art28.inventory.timezones import site_zone
from art28.physical.models import (
    Authorisation,
    BadgeEvent,
    BadgeHolding,
    Direction,
    Door,
    Person,
    PersonKind,
    Zone,
)
from art28.physical.schedule import parse_days, parse_hours, parse_instant

MAX_PROBLEMS = 100
EVENT_BATCH = 5000
# Each file: its required columns, then its optional ones.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "zones.csv": (("site", "zone", "security_class"), ("assets",)),
    "people.csv": (("ref", "name", "employer", "kind", "left_on"), ("email", "escort", "visit_from", "visit_until")),
    "badges.csv": (("badge", "person", "from", "until"), ()),
    "authorisations.csv": (
        ("person", "site", "zone", "from", "until", "days", "hours", "approved_by"),
        ("reason",),
    ),
    "events.csv": (("time", "site", "zone", "door", "badge", "result", "direction"), ()),
}
FILES = tuple(COLUMNS)


class PhysicalImportFailed(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS]
        more = f"\n… and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__("\n".join(shown) + more)


class _Stop(Exception):
    """Too many problems to go on reading."""


@dataclass
class PhysicalImportReport:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)

    def count(self, file: str, what: str, n: int = 1) -> None:
        self.counts.setdefault(file, {}).setdefault(what, 0)
        self.counts[file][what] += n


class _Reader:
    """Rows of one CSV file as (line number, {column: stripped text}); problems go to ``problems``."""

    def __init__(self, path: Path, name: str, problems: list[str]) -> None:
        self.path, self.name, self.problems = path, name, problems

    def problem(self, line: int, text: str) -> None:
        self.problems.append(f"{self.name}:{line}: {text}")
        if len(self.problems) >= MAX_PROBLEMS:
            raise _Stop

    def header(self, reader: Iterator[list[str]]) -> list[str] | None:
        """The header's column names, or None (a problem at line 1) when columns are missing or unknown."""
        required, optional = COLUMNS[self.name]
        header = [column.strip().lower() for column in next(reader, [])]
        missing = [column for column in required if column not in header]
        unknown = [column for column in header if column not in required + optional]
        if missing or unknown:
            wrong = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
                [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
            )
            self.problem(1, "; ".join(wrong) + f" (expected {','.join(required)})")
            return None
        return header

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        with self.path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = self.header(reader)
            if header is None:
                return
            for line, values in enumerate(reader, start=2):
                if not any(value.strip() for value in values):
                    continue
                if len(values) != len(header):
                    self.problem(line, f"{len(values)} fields, the header has {len(header)}")
                    continue
                yield line, {column: value.strip() for column, value in zip(header, values, strict=True)}

    def records(self, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
        """As ``rows()``, but each row as the stripped values of ``columns`` (required ones), in that order:
        for the long files, where a dict per row costs more than the rest of the work."""
        with self.path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = self.header(reader)
            if header is None:
                return
            width, pick = len(header), operator.itemgetter(*(header.index(column) for column in columns))
            strip = str.strip
            for line, values in enumerate(reader, start=2):
                if len(values) != width or not strip(values[0]):
                    if not any(value.strip() for value in values):
                        continue
                    if len(values) != width:
                        self.problem(line, f"{len(values)} fields, the header has {width}")
                        continue
                yield line, list(map(strip, pick(values)))


def _date(reader: _Reader, line: int, row: dict[str, str], column: str, *, required: bool) -> dt.date | None:
    text = row.get(column, "")
    if not text:
        if required:
            reader.problem(line, f"{column}: required (a date, YYYY-MM-DD)")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        reader.problem(line, f"{column}: {text!r} is not a date (YYYY-MM-DD)")
        return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Import:
    def __init__(self, folder: Path, report: PhysicalImportReport, progress: Callable[[str, int], None] | None):
        self.folder, self.report, self.progress = folder, report, progress
        self.problems: list[str] = []
        self.sites = {site.code: site for site in Site.objects.all()}
        self.zones: dict[tuple[int, str], Zone] = {}
        self.people: dict[str, Person] = {}
        self.clocks: dict[int, zoneinfo.ZoneInfo] = {}
        self.doors: dict[tuple[int, str], Door] = {}
        self.door_ids: dict[tuple[int, str], tuple[int, int]] = {}
        self.places: dict[tuple[str, str], tuple[int, int, zoneinfo.ZoneInfo]] = {}

    def reader(self, name: str) -> _Reader | None:
        path = self.folder / name
        if not path.exists():
            return None
        self.report.sha256[name] = _sha256(path)
        return _Reader(path, name, self.problems)

    def site(self, reader: _Reader, line: int, code: str) -> Site | None:
        found = self.sites.get(code)
        if found is None:
            reader.problem(line, f"site: {code!r} is not a site of the inventory")
        return found

    def zone(self, reader: _Reader, line: int, site: Site, name: str) -> Zone | None:
        key = (site.pk, name)
        if key not in self.zones:
            found = Zone.objects.filter(site=site, name=name).first()
            if found is None:
                reader.problem(line, f"zone: {site.code} has no zone {name!r} (zones.csv declares them)")
                return None
            self.zones[key] = found
        return self.zones[key]

    def person(self, reader: _Reader, line: int, column: str, ref: str) -> Person | None:
        if ref not in self.people:
            found = Person.objects.filter(ref=ref).first()
            if found is None:
                reader.problem(line, f"{column}: no person {ref!r} (people.csv declares them)")
                return None
            self.people[ref] = found
        return self.people[ref]

    # --- the files, in order ---

    def zones_csv(self, reader: _Reader) -> None:
        for line, row in reader.rows():
            site = self.site(reader, line, row["site"])
            name = row["zone"]
            if not name:
                reader.problem(line, "zone: required")
            klass = row["security_class"]
            if klass not in ("1", "2", "3", "4"):
                reader.problem(line, f"security_class: {klass!r} is not 1, 2, 3 or 4")
                continue
            assets = self.assets(reader, line, row.get("assets", "")) if "assets" in row else None
            if site is None or not name or (assets is not None and None in assets):
                continue
            zone, created = Zone.objects.get_or_create(site=site, name=name, defaults={"security_class": int(klass)})
            changed = not created and zone.security_class != int(klass)
            if changed:
                zone.security_class = int(klass)
                zone.save(update_fields=["security_class"])
            if assets is not None and set(zone.assets.values_list("pk", flat=True)) != {a.pk for a in assets if a}:
                zone.assets.set([a for a in assets if a])  # the column given: the zone's assets are these
                changed = changed or not created
            self.report.count(reader.name, "created" if created else "updated" if changed else "unchanged")
            self.zones[(site.pk, name)] = zone

    def assets(self, reader: _Reader, line: int, text: str) -> list[Asset | None]:
        """The ``;`` list of inventory refs of a zone's assets (the racks of a cage); an unknown ref is a
        problem (and a None in the list)."""
        refs = [ref.strip() for ref in text.split(";") if ref.strip()]
        found = {asset.ref: asset for asset in Asset.objects.filter(ref__in=refs)}
        for ref in refs:
            if ref not in found:
                reader.problem(line, f"assets: {ref!r} is not an asset of the inventory")
        return [found.get(ref) for ref in refs]

    def people_csv(self, reader: _Reader) -> None:
        escorts: list[tuple[int, Person, str]] = []
        users = {email.lower(): pk for email, pk in User.objects.values_list("email", "pk")}
        for line, row in reader.rows():
            ref, name, kind = row["ref"], row["name"], row["kind"].lower()
            if not ref or not name:
                reader.problem(line, "ref and name: required")
                continue
            if kind not in PersonKind.values:
                reader.problem(line, f"kind: {row['kind']!r} is not one of {', '.join(PersonKind.values)}")
                continue
            email = row.get("email", "").lower()
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    reader.problem(line, f"email: {email!r} is not an e-mail address")
                    continue
            visit = [self.instant(reader, line, row, column) for column in ("visit_from", "visit_until")]
            values: dict[str, Any] = {
                "name": name, "employer": row["employer"], "kind": kind, "email": email,
                "left_on": _date(reader, line, row, "left_on", required=False), "user_id": users.get(email),
                "visit_from": visit[0], "visit_until": visit[1],
            }  # fmt: skip
            person, created = Person.objects.update_or_create(ref=ref, defaults=values)
            self.people[ref] = person
            self.report.count(reader.name, "created" if created else "updated")
            if row.get("escort"):
                escorts.append((line, person, row["escort"]))
        for line, person, escort_ref in escorts:
            escort = self.person(reader, line, "escort", escort_ref)
            if escort is not None and person.escort_id != escort.pk:
                person.escort = escort
                person.save(update_fields=["escort"])

    def instant(self, reader: _Reader, line: int, row: dict[str, str], column: str) -> dt.datetime | None:
        text = row.get(column, "")
        if not text:
            return None
        try:
            return parse_instant(text)
        except ValueError as exc:
            reader.problem(line, f"{column}: {exc}")
            return None

    def badges_csv(self, reader: _Reader) -> None:
        for line, row in reader.rows():
            if not row["badge"]:
                reader.problem(line, "badge: required")
            person = self.person(reader, line, "person", row["person"])
            held_from = _date(reader, line, row, "from", required=True)
            held_until = _date(reader, line, row, "until", required=False)
            if held_from and held_until and held_until < held_from:
                reader.problem(line, f"until: {held_until} is before from ({held_from})")
                continue
            if person is None or held_from is None or not row["badge"]:
                continue
            _holding, created = BadgeHolding.objects.update_or_create(
                badge=row["badge"], person=person, held_from=held_from, defaults={"held_until": held_until}
            )
            self.report.count(reader.name, "created" if created else "updated")

    def authorisations_csv(self, reader: _Reader) -> None:
        for line, row in reader.rows():
            person = self.person(reader, line, "person", row["person"])
            site = self.site(reader, line, row["site"])
            zone = self.zone(reader, line, site, row["zone"]) if site else None
            valid_from = _date(reader, line, row, "from", required=True)
            valid_until = _date(reader, line, row, "until", required=False)
            if valid_from and valid_until and valid_until < valid_from:
                reader.problem(line, f"until: {valid_until} is before from ({valid_from})")
            try:
                days = parse_days(row["days"])
            except ValueError as exc:
                reader.problem(line, f"days: {exc}")
                continue
            try:
                hours = parse_hours(row["hours"])
            except ValueError as exc:
                reader.problem(line, f"hours: {exc}")
                continue
            approver = self.person(reader, line, "approved_by", row["approved_by"]) if row["approved_by"] else None
            if person is None or zone is None or valid_from is None or (valid_until and valid_until < valid_from):
                continue
            if row["approved_by"] and approver is None:
                continue
            _authorisation, created = Authorisation.objects.update_or_create(
                person=person, zone=zone, valid_from=valid_from,
                defaults={"valid_until": valid_until, "days": days, "start_minute": hours[0] if hours else None,
                          "end_minute": hours[1] if hours else None, "approved_by": approver,
                          "reason": row.get("reason", "")[:200]},
            )  # fmt: skip
            self.report.count(reader.name, "created" if created else "updated")

    def events_csv(self, reader: _Reader) -> None:
        """The badge log, the one long file: each row checked, its local date, weekday and minute computed on
        the site's clock, and written ``EVENT_BATCH`` at a time as plain tuples (``_EventWriter``), since a
        model instance per row costs more than everything else. The common row (a known site, zone and door,
        a time with its offset) takes a short path; any other row goes through every check below."""
        self.doors = {(door.site_id, door.name): door for door in Door.objects.all()}
        # The short path's lookups hold ids, not model instances (whose .pk costs a call per use):
        # (site code, zone name) as written → (site id, zone id, the site's clock); (site id, door) → (door
        # id, the id of its zone).
        places = self.places
        doors = self.door_ids = {key: (door.pk, door.zone_id) for key, door in self.doors.items()}
        writer = _EventWriter()
        batch: list[tuple[Any, ...]] = []
        read = 0
        fromisoformat, results, directions = dt.datetime.fromisoformat, _RESULTS, _DIRECTIONS
        sqlite = writer.sqlite
        for line, values in reader.records(COLUMNS["events.csv"][0]):
            read += 1
            text, site_code, zone_name, door_name, badge, result, direction = values
            place = places.get((site_code, zone_name))
            granted = results.get(result)
            try:
                moment = fromisoformat(text)
            except ValueError:
                moment = None
            door = doors.get((place[0], door_name)) if place else None
            if (
                place is None or moment is None or moment.tzinfo is None or granted is None or not badge
                or direction not in directions or door is None or door[1] != place[1]
            ):  # fmt: skip
                row = self.event_row(reader, line, values)
                if row is None:
                    continue
                moment, place, door, granted, direction = row
            site_id, zone_id, clock = place
            local = moment.astimezone(clock)
            if sqlite:  # as Django writes them there: the instant in UTC without offset, the date as text
                offset = moment.utcoffset()
                assert offset is not None
                at: Any = str((moment - offset).replace(tzinfo=None))
                day: Any = local.date().isoformat()
            else:
                at, day = moment, local.date()
            batch.append((at, site_id, zone_id, door[0], badge, granted, direction, day, local.weekday(),
                          local.hour * 60 + local.minute))  # fmt: skip
            if len(batch) >= EVENT_BATCH:
                self.flush(writer, batch, read)
        self.flush(writer, batch, read)
        writer.close()
        self.report.count(reader.name, "created", writer.created)
        self.report.count(reader.name, "already known", read - writer.created)

    def event_row(
        self, reader: _Reader, line: int, values: list[str]
    ) -> tuple[dt.datetime, tuple[int, int, zoneinfo.ZoneInfo], tuple[int, int], bool, str] | None:
        """Every check of an event row, each problem named; None when the row cannot be imported."""
        row = dict(zip(COLUMNS["events.csv"][0], values, strict=True))
        moment = self.instant(reader, line, row, "time")
        if not row["time"]:
            reader.problem(line, "time: required")
        site = self.site(reader, line, row["site"])
        zone = self.zone(reader, line, site, row["zone"]) if site else None
        result, direction = row["result"].lower(), row["direction"].lower()
        if result not in _RESULTS:
            reader.problem(line, f"result: {row['result']!r} is not granted or denied")
        if direction not in _DIRECTIONS:
            reader.problem(line, f"direction: {row['direction']!r} is not in or out")
        if not row["badge"] or not row["door"]:
            reader.problem(line, "badge and door: required")
        if site is None or zone is None or moment is None or not row["badge"] or not row["door"]:
            return None
        door = self.doors.get((site.pk, row["door"]))
        if door is None:
            door = self.doors[(site.pk, row["door"])] = Door.objects.create(site=site, zone=zone, name=row["door"])
            self.door_ids[(site.pk, row["door"])] = (door.pk, zone.pk)
        elif door.zone_id != zone.pk:
            reader.problem(line, f"door: {row['door']!r} of {site.code} leads into {door.zone.name}, not {zone.name}")
            return None
        if result not in _RESULTS or direction not in _DIRECTIONS:
            return None
        if site.pk not in self.clocks:
            self.clocks[site.pk] = site_zone(site)
        place = self.places[(row["site"], row["zone"])] = (site.pk, zone.pk, self.clocks[site.pk])
        return moment, place, (door.pk, door.zone_id), _RESULTS[result], direction

    def flush(self, writer: _EventWriter, batch: list[tuple[Any, ...]], read: int) -> None:
        if batch and not self.problems:  # once the input is known bad, only read on for its problems
            writer.write(batch)
        batch.clear()
        if self.progress:
            self.progress("events.csv", read)


_RESULTS = {"granted": True, "denied": False}
_DIRECTIONS = frozenset(Direction.values)


class _EventWriter:
    """Badge events into their table as plain rows, a known one skipped (the unique time, site, door and
    badge: ON CONFLICT DO NOTHING, as ``bulk_create(ignore_conflicts=True)`` would), and the rows written
    counted from the cursor rather than by counting the table before and after. SQLite: executemany of
    the batch. PostgreSQL: the batch COPYed into a temporary table, then INSERT … SELECT from it, which
    is 2-3 times faster than an INSERT statement per row (docs/benchmarks.md, "Physical security")."""

    STAGE = "physical_event_stage"

    def __init__(self) -> None:
        meta = BadgeEvent._meta
        column = {field.name: str(field.column) for field in meta.concrete_fields}
        self.columns = ", ".join(column[name] for name in _EVENT_FIELDS)
        self.postgres = connection.vendor == "postgresql"
        self.sqlite = connection.vendor == "sqlite"
        self.table = meta.db_table
        self.created = 0
        self.staged = False
        placeholders = ", ".join(["%s"] * len(_EVENT_FIELDS))
        self.sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({placeholders}) ON CONFLICT DO NOTHING"

    def write(self, batch: list[tuple[Any, ...]]) -> None:
        if not self.postgres:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, batch)
                self.created += cursor.rowcount
            return
        with connection.cursor() as cursor:
            if not self.staged:
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{self.STAGE}")
                cursor.execute(f"CREATE TEMPORARY TABLE {self.STAGE} AS SELECT {self.columns} FROM {self.table} "
                               "WITH NO DATA")  # fmt: skip
                self.staged = True
            raw = connection.connection
            assert raw is not None
            with raw.cursor() as copying, copying.copy(f"COPY {self.STAGE} ({self.columns}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO {self.table} ({self.columns}) SELECT {self.columns} FROM {self.STAGE} "
                           "ON CONFLICT DO NOTHING")  # fmt: skip
            self.created += cursor.rowcount
            cursor.execute(f"TRUNCATE {self.STAGE}")

    def close(self) -> None:
        if self.staged:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{self.STAGE}")


_EVENT_FIELDS = ("at", "site", "zone", "door", "badge", "granted", "direction", "local_date", "local_weekday",
                 "local_minute")  # fmt: skip


def physical_import(
    folder: Path, *, actor: Actor, progress: Callable[[str, int], None] | None = None
) -> PhysicalImportReport:
    """Import the folder; raise PhysicalImportFailed (nothing changed) listing every problem found."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PhysicalImportFailed([f"{folder}: not a folder (expected {', '.join(FILES)})"])
    if not any((folder / name).exists() for name in FILES):
        raise PhysicalImportFailed([f"{folder}: none of {', '.join(FILES)} is there"])
    report = PhysicalImportReport()
    with cyclic_gc_paused(), transaction.atomic():
        job = _Import(folder, report, progress)
        for name in FILES:
            reader = job.reader(name)
            if reader is None:
                continue
            try:
                getattr(job, name.replace(".csv", "_csv"))(reader)
            except _Stop:
                break
            except UnicodeDecodeError as exc:
                job.problems.append(f"{name}: not UTF-8 ({exc.reason} at byte {exc.start})")
        if job.problems:  # raised inside the transaction: it rolls back, nothing lands
            raise PhysicalImportFailed(job.problems)
        audit_record(actor=actor, action="physical.import", object_type="physical.import",
                     object_repr=str(folder.name or folder),
                     after={"counts": report.counts, "sha256": report.sha256})  # fmt: skip
    return report

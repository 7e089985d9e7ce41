"""Physical security at a provider's scale (issue 16): a year of badge events at four sites.

    python -m bench.physical_bench DATA_DIR     (DATABASE_URL: an empty database)

Prints one JSON line:
- import: `physical_import` of the whole folder (zones, people, badges, authorisations and the year of
  events) against a plain executemany of the same event rows (read back from the table after the import:
  the very rows, already parsed, with their local date, weekday and minute) into the same
  ``physical_badgeevent`` table, emptied in between (same indexes and constraints), batches of 5,000 in one
  transaction. Only the executemany calls and the commit are timed on the baseline's side (not reading
  its rows); the importer's time is everything: reading and checking every field, the small files, the
  audit entry. Peak RSS (ru_maxrss) is taken right after the import, before anything else runs.
- anomalies: `find_anomalies()` fully materialised against hand-written SQL: one statement for the
  granted rules (unknown-badge, after-leaving, no-authorisation, outside-hours with the midnight rule, in
  that precedence) and a second one reading the denials in badge and time order, with the same few lines
  of Python for repeated-denials (its "start again after a report" is a walk, not a set operation). Both
  results are compared as sets (and their sizes) and checked against what the generator planted.

The data (bench/out/physical-N) is generated once, deterministically: sites in Switzerland and Germany
(Europe/Zurich, Europe/Berlin), six zones each, people with badges (some swapped, handed over, or kept
after leaving), authorisations from a palette of weekday and hour windows (some across midnight), and a
year (2026, both changes of daylight saving time) of entries and exits that the authorisations allow, plus
a small share of planted anomalies of every rule, each known in advance.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import sys
import tempfile
import time
import zoneinfo
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

YEAR = 2026
DAYS = 365
FIRST_DAY = dt.date(YEAR, 1, 1)
SITES = (("GVA1", "Geneva 1", "Geneva", "CH", "Europe/Zurich"), ("ZRH1", "Zurich 1", "Zurich", "CH", "Europe/Zurich"),
         ("FRA1", "Frankfurt 1", "Frankfurt", "DE", "Europe/Berlin"),
         ("MUC1", "Munich 1", "Munich", "DE", "Europe/Berlin"))  # fmt: skip
ZONES = (("lobby", 1), ("office", 2), ("hall", 3), ("cage-a", 4), ("cage-b", 4), ("meet-me-room", 4))
DOORS_PER_ZONE = 2
# (days, their bits with Monday = bit 0, hours, start minute, end minute, weight)
WINDOWS = (
    ("mon-fri", 0b0011111, "07:00-19:00", 420, 1140, 40),
    ("", 0b1111111, "", None, None, 10),
    ("mon-fri", 0b0011111, "22:00-06:00", 1320, 360, 8),
    ("sat-sun", 0b1100000, "08:00-20:00", 480, 1200, 6),
    ("mon;wed;fri", 0b0010101, "06:30-18:30", 390, 1110, 10),
    ("", 0b1111111, "06:00-22:00", 360, 1320, 14),
    ("sat-mon", 0b1100001, "20:00-08:00", 1200, 480, 4),
    ("sun-thu", 0b1001111, "21:00-24:00", 1260, 1440, 4),
    ("tue-sat", 0b0111110, "00:00-06:00", 0, 360, 4),
)
GRANTED_RULES = ("unknown-badge", "after-leaving", "no-authorisation", "outside-hours")
# Runs of denials: the seconds after the run's first, and how many reports each run gives.
BURSTS = (("three", 1), ("three-at-ten-minutes", 1), ("four", 1), ("six", 2), ("near-miss", 0))
BATCH = 5000


# --- the generator -------------------------------------------------------------------------------------


@dataclass
class Auth:
    person: int
    site: int
    zone: int
    valid_from: int  # day of 2026 (0 = 1 January), negative before
    valid_until: int | None
    window: int  # index into WINDOWS

    def minutes(self, day: int, weekday: int) -> tuple[tuple[int, int], ...]:
        """The minutes of ``day`` (a local date) this authorisation allows, as [start, end) intervals."""
        if day < self.valid_from or (self.valid_until is not None and day > self.valid_until):
            return ()
        _d, bits, _h, start, end, _w = WINDOWS[self.window]
        today, yesterday = bits >> weekday & 1, bits >> (weekday - 1) % 7 & 1
        if start is None or end is None:
            return ((0, 1440),) if today else ()
        if start < end:
            return ((start, end),) if today else ()
        return (((0, end),) if yesterday else ()) + (((start, 1440),) if today else ())


@dataclass
class Human:
    ref: str
    kind: str
    site: int
    left_on: int | None = None
    joined: int | None = None
    holdings: list[tuple[str, int, int | None]] = field(default_factory=list)  # badge, from, until
    auths: list[Auth] = field(default_factory=list)


class Clock:
    """Local (day, minute, second) at a site → (UTC epoch second, ISO text with the offset); the hour that
    does not exist in spring is refused, the one that happens twice in autumn gets either offset."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.offsets: dict[str, list[list[tuple[int, ...]]]] = {}
        base = dt.datetime(YEAR, 1, 1)
        for name in {site[4] for site in SITES}:
            zone = zoneinfo.ZoneInfo(name)
            table = []
            for day in range(DAYS + 2):
                hours = []
                for hour in range(24):
                    local = base + dt.timedelta(days=day, hours=hour, minutes=30)
                    first = local.replace(tzinfo=zone)
                    second = local.replace(tzinfo=zone, fold=1)
                    back = first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
                    if back != local:
                        hours.append(())  # the spring gap
                    else:
                        hours.append(tuple(sorted({int(o.utcoffset().total_seconds()) // 60
                                                   for o in (first, second)})))  # fmt: skip
                table.append(hours)
            self.offsets[name] = table
        epoch = dt.datetime(1970, 1, 1)
        self.midnight = [int((base + dt.timedelta(days=d) - epoch).total_seconds()) for d in range(DAYS + 2)]
        self.iso = [(FIRST_DAY + dt.timedelta(days=d)).isoformat() for d in range(DAYS + 2)]

    def exists(self, site: int, day: int, minute: int) -> bool:
        return bool(self.offsets[SITES[site][4]][day][minute // 60])

    def stamp(self, site: int, day: int, minute: int, second: int) -> tuple[int, str]:
        choices = self.offsets[SITES[site][4]][day][minute // 60]
        offset = choices[0] if len(choices) == 1 else self.rng.choice(choices)
        utc = self.midnight[day] + minute * 60 + second - offset * 60
        sign = "+" if offset >= 0 else "-"
        text = (f"{self.iso[day]}T{minute // 60:02d}:{minute % 60:02d}:{second:02d}"
                f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}")  # fmt: skip
        return utc, text


def _day_text(day: int | None) -> str:
    return "" if day is None else (FIRST_DAY + dt.timedelta(days=day)).isoformat()


class Year:
    """The people, their badges and authorisations, and the events, written as the import's folder."""

    def __init__(self, folder: Path, events: int, seed: int = 16) -> None:
        self.folder, self.target, self.rng = folder, events, random.Random(seed)
        self.clock = Clock(self.rng)
        self.people: list[Human] = []
        self.auths: list[Auth] = []
        self.holders: dict[str, list[tuple[int, int, int | None]]] = {}  # badge → (person, from, until), in order
        self.doors = [[[f"{site[0]}-{zone[0]}-{n}" for n in range(1, DOORS_PER_ZONE + 1)] for zone in ZONES]
                      for site in SITES]  # fmt: skip
        self.buckets: dict[int, list[tuple[int, str]]] = {}
        self.keys: dict[int, set[tuple[int, int, str, str]]] = {}
        self.planted: Counter[str] = Counter()
        self.written = 0

    # people, badges, authorisations

    def build_people(self, count: int) -> None:
        rng = self.rng
        kinds = rng.choices(("staff", "contractor", "operator", "visitor"), (60, 20, 12, 8), k=count)
        for n, kind in enumerate(kinds):
            self.people.append(Human(ref=f"P{n + 1:05d}", kind=kind, site=rng.randrange(len(SITES))))
        staff = [p for p in range(count) if kinds[p] == "staff"]
        self.staff = staff
        special = rng.sample(staff, min(len(staff), max(3, count // 50 + count // 100 + count // 200)))
        leavers = special[: max(1, count // 50)]
        swappers = special[len(leavers) : len(leavers) + max(1, count // 100)]
        joiners = special[len(leavers) + len(swappers) :]
        next_badge = count
        for n, person in enumerate(self.people):
            person.holdings.append((f"B{n + 1:06d}", -rng.randrange(30, 700), None))
        for n in leavers:
            self.people[n].left_on = rng.randrange(30, 300)  # the badge is kept: not returned after leaving
        recycled = []
        for n in swappers:  # a new badge from the swap day; the old one is given to a joiner, or not yet
            badge, since, _until = self.people[n].holdings[0]
            swap = rng.randrange(30, 300)
            next_badge += 1
            self.people[n].holdings = [(badge, since, swap), (f"B{next_badge:06d}", swap, None)]
            recycled.append((badge, swap))
        for n, (badge, swap) in zip(joiners, recycled, strict=False):
            gap = 0 if n % 2 else rng.randrange(3, 10)  # a hand-over on the day, or a few days in a drawer
            person = self.people[n]
            person.joined = swap + gap
            person.holdings = [(badge, person.joined, None)]
        for n, person in enumerate(self.people):
            for badge, since, until in person.holdings:
                self.holders.setdefault(badge, []).append((n, since, until))
        for holdings in self.holders.values():
            holdings.sort(key=lambda holding: holding[1])  # by from: the later holding holds on a hand-over day
        self.leavers, self.swappers = leavers, swappers
        self.unknown = [f"X{n:06d}" for n in range(1, max(10, count // 10))]

    def build_auths(self) -> None:
        rng = self.rng
        weights = [w[5] for w in WINDOWS]
        zones_by_kind = {"staff": (1, 2, 3, 4, 5), "contractor": (2, 3, 4), "operator": (0, 2, 5), "visitor": (0, 2)}
        for n, person in enumerate(self.people):
            seen: set[tuple[int, int, int]] = set()
            choices = zones_by_kind[person.kind]
            count = 1 if person.kind == "visitor" else rng.choice((1, 2, 2, 3))
            for _ in range(count):
                site = person.site if rng.random() < 0.9 else rng.randrange(len(SITES))
                zone = rng.choice(choices)
                window = rng.choices(range(len(WINDOWS)), weights)[0]
                if person.kind == "visitor":  # a visit of a few days
                    valid_from = rng.randrange(0, DAYS - 5)
                    valid_until: int | None = valid_from + rng.randrange(0, 4)
                    window = 5
                elif person.joined is not None:
                    valid_from, valid_until = person.joined, None
                else:
                    valid_from = -rng.randrange(1, 400) if rng.random() < 0.85 else rng.randrange(0, 300)
                    valid_until = None if rng.random() < 0.8 else max(valid_from, 0) + rng.randrange(30, 300)
                if (site, zone, valid_from) in seen:
                    continue
                seen.add((site, zone, valid_from))
                auth = Auth(n, site, zone, valid_from, valid_until, window)
                person.auths.append(auth)
                self.auths.append(auth)

    def holder(self, badge: str, day: int) -> int | None:
        """Who holds the badge on that local date: of the holdings that include it, the later one."""
        found = None
        for person, since, until in self.holders.get(badge, ()):
            if since <= day and (until is None or until >= day):
                found = person  # holdings are in order of their from within a badge
        return found

    def badge_of(self, person: int, day: int) -> str | None:
        for badge, since, until in reversed(self.people[person].holdings):
            if since <= day and (until is None or until >= day) and self.holder(badge, day) == person:
                return badge
        return None

    def allowed(self, person: int, site: int, zone: int, day: int, weekday: int, minute: int) -> bool:
        return any(start <= minute < end for a in self.people[person].auths if a.site == site and a.zone == zone
                   for start, end in a.minutes(day, weekday))  # fmt: skip

    def covered(self, person: int, site: int, zone: int, day: int) -> bool:
        return any(a.site == site and a.zone == zone and a.valid_from <= day
                   and (a.valid_until is None or a.valid_until >= day) for a in self.people[person].auths)  # fmt: skip

    def present(self, person: int, day: int) -> bool:
        left = self.people[person].left_on
        return left is None or day <= left

    # events

    def add(
        self,
        site: int,
        day: int,
        minute: int,
        second: int,
        zone: int,
        door: str,
        badge: str,
        granted: bool,
        direction: str,
    ) -> bool:
        utc, text = self.clock.stamp(site, day, minute, second)
        key = (utc, site, door, badge)
        keys = self.keys.setdefault(day, set())
        if key in keys:
            return False
        keys.add(key)
        line = (f"{text},{SITES[site][0]},{ZONES[zone][0]},{door},{badge},"
                f"{'granted' if granted else 'denied'},{direction}\n")  # fmt: skip
        self.buckets.setdefault(day, []).append((utc, line))
        return True

    def visit(self, site: int, day: int, minute: int, zone: int, badge: str) -> bool:
        """An entry at that minute and its exit a while later (the exit is never checked)."""
        rng = self.rng
        door = rng.choice(self.doors[site][zone])
        if not self.add(site, day, minute, rng.randrange(60), zone, door, badge, True, "in"):
            return False
        out = minute + rng.randrange(5, 480)
        out_day, out_minute = day + out // 1440, out % 1440
        if not self.clock.exists(site, out_day, out_minute):
            out_minute += 60
        while not self.add(site, out_day, out_minute, rng.randrange(60), zone, door, badge, True, "out"):
            pass
        return True

    def compliant_visit(self, day: int, weekday: int) -> None:
        rng, auths = self.rng, self.auths
        while True:
            auth = auths[rng.randrange(len(auths))]
            intervals = auth.minutes(day, weekday)
            if not intervals or not self.present(auth.person, day):
                continue
            badge = self.badge_of(auth.person, day)
            if badge is None:
                continue
            start, end = intervals[0] if len(intervals) == 1 else rng.choice(intervals)
            minute = rng.randrange(start, end)
            if self.clock.exists(auth.site, day, minute) and self.visit(auth.site, day, minute, auth.zone, badge):
                return

    def planted_visit(self, rule: str, day: int, weekday: int) -> None:
        rng = self.rng
        while True:
            minute = rng.randrange(1440)
            site, zone = rng.randrange(len(SITES)), rng.randrange(len(ZONES))
            if rule == "unknown-badge":
                badge = rng.choice(self.unknown)
            elif rule == "after-leaving":
                person = rng.choice(self.leavers)
                left_on = self.people[person].left_on
                assert left_on is not None
                if day <= left_on:  # moved to a later day (never one already written)
                    day = rng.randrange(left_on + 1, DAYS)
                    weekday = (FIRST_DAY + dt.timedelta(days=day)).weekday()
                badge = self.people[person].holdings[-1][0]
            else:
                person = rng.randrange(len(self.people))
                found = self.badge_of(person, day)
                if found is None or not self.present(person, day):
                    continue
                badge = found
                if rule == "no-authorisation":
                    if self.covered(person, site, zone, day):
                        continue
                else:  # outside-hours: authorisations cover the day, none allows the minute
                    covering = [a for a in self.people[person].auths
                                if a.valid_from <= day and (a.valid_until is None or a.valid_until >= day)]  # fmt: skip
                    if not covering:
                        continue
                    site, zone = covering[0].site, covering[0].zone
                    if self.allowed(person, site, zone, day, weekday, minute):
                        continue
            if self.clock.exists(site, day, minute) and self.visit(site, day, minute, zone, badge):
                self.planted[rule] += 1
                return

    def denial(self, day: int, used: set[tuple[str, int]]) -> None:
        rng = self.rng
        while True:
            person = rng.randrange(len(self.people))
            badge = rng.choice(self.unknown) if rng.random() < 0.1 else self.people[person].holdings[-1][0]
            minute, site, zone = rng.randrange(1440), rng.randrange(len(SITES)), rng.randrange(len(ZONES))
            if (badge, day) in used or not self.clock.exists(site, day, minute):
                continue
            direction = "in" if rng.random() < 0.9 else "out"
            if self.add(site, day, minute, rng.randrange(60), zone, rng.choice(self.doors[site][zone]), badge,
                        False, direction):  # fmt: skip
                used.add((badge, day))
                return

    def burst(self, kind: str, reports: int, day: int, used: set[tuple[str, int]]) -> int:
        rng = self.rng
        while True:
            person = rng.randrange(len(self.people))
            badge = rng.choice(self.unknown) if rng.random() < 0.2 else self.people[person].holdings[-1][0]
            if (badge, day) not in used:
                break
        used.add((badge, day))
        if kind == "three":
            last = rng.randrange(60, 600)
            seconds = [0, rng.randrange(1, last), last]
        elif kind == "three-at-ten-minutes":
            seconds = [0, rng.randrange(1, 600), 600]  # exactly ten minutes: still a run
        elif kind == "four":
            seconds = [0, *sorted(rng.sample(range(1, 601), 3))]
        elif kind == "six":
            seconds = [0, *sorted(rng.sample(range(1, 601), 5))]
        else:  # near-miss: the third is more than ten minutes after the first
            seconds = [0, rng.randrange(1, 600), rng.randrange(601, 900)]
        site, zone = rng.randrange(len(SITES)), rng.randrange(len(ZONES))
        door = rng.choice(self.doors[site][zone])
        start = rng.randrange(6 * 60, 22 * 60 - 20) * 60  # daytime: never across midnight nor in the spring gap
        for offset in seconds:
            moment = start + offset
            assert self.add(site, day, moment // 60, moment % 60, zone, door, badge, False, "in")
        self.planted["repeated-denials"] += reports
        return len(seconds)

    def flush(self, day: int, handle: Any) -> None:
        bucket = self.buckets.pop(day, [])
        self.keys.pop(day, None)
        bucket.sort()
        handle.writelines(line for _utc, line in bucket)
        self.written += len(bucket)

    def write(self) -> dict[str, Any]:
        rng, folder = self.rng, self.folder
        folder.mkdir(parents=True, exist_ok=True)
        self.build_people(max(50, round(5000 * self.target / 10_000_000)))
        self.build_auths()
        self.write_small_files()
        per_rule = max(2, self.target // 2000)  # each an entry and its exit
        bursts = [rng.randrange(len(BURSTS)) for _ in range(max(len(BURSTS), self.target // 4000))]
        burst_events = sum({"three": 3, "three-at-ten-minutes": 3, "four": 4, "six": 6, "near-miss": 3}[BURSTS[k][0]]
                           for k in bursts)  # fmt: skip
        singles = self.target // 100
        visits, odd = divmod(self.target - 2 * per_rule * len(GRANTED_RULES) - burst_events - singles, 2)
        singles += odd
        weights = [1.0 if (FIRST_DAY + dt.timedelta(days=d)).weekday() < 5 else 0.45 for d in range(DAYS)]
        total = sum(weights)
        quota, done = [], 0
        for day in range(DAYS):
            upto = round(visits * sum(weights[: day + 1]) / total)
            quota.append(upto - done)
            done = upto
        planted_days = {rule: Counter(rng.randrange(DAYS) for _ in range(per_rule)) for rule in GRANTED_RULES}
        burst_days: dict[int, list[int]] = {}
        for k in bursts:
            burst_days.setdefault(rng.randrange(DAYS), []).append(k)
        single_days = Counter(rng.randrange(DAYS) for _ in range(singles))
        with (folder / "events.csv").open("w", encoding="utf-8") as handle:
            handle.write("time,site,zone,door,badge,result,direction\n")
            for day in range(DAYS):
                weekday = (FIRST_DAY + dt.timedelta(days=day)).weekday()
                for _ in range(quota[day]):
                    self.compliant_visit(day, weekday)
                for rule in GRANTED_RULES:
                    for _ in range(planted_days[rule][day]):
                        self.planted_visit(rule, day, weekday)
                used: set[tuple[str, int]] = set()
                for k in burst_days.get(day, ()):
                    self.burst(*BURSTS[k], day, used)
                for _ in range(single_days[day]):
                    self.denial(day, used)
                # Later days add only to later days (an exit goes to tomorrow at the latest, a planted
                # after-leaving entry to a day after its holder left, later than today).
                for ready in sorted(d for d in self.buckets if d <= day):
                    self.flush(ready, handle)
            for ready in sorted(self.buckets):
                self.flush(ready, handle)
        facts = {"events": self.written, "people": len(self.people), "badges": len(self.holders),
                 "authorisations": len(self.auths), "sites": len(SITES), "zones": len(SITES) * len(ZONES),
                 "planted": dict(self.planted)}  # fmt: skip
        return facts

    def write_small_files(self) -> None:
        folder, rng = self.folder, self.rng
        lines = ["site,zone,security_class\n"]
        lines += [f"{site[0]},{zone},{klass}\n" for site in SITES for zone, klass in ZONES]
        (folder / "zones.csv").write_text("".join(lines), "utf-8")
        employers = {"staff": "Provider SA", "contractor": "Cablers GmbH", "operator": "Colo AG", "visitor": "Guest"}
        lines = ["ref,name,employer,kind,left_on,email,escort,visit_from,visit_until\n"]
        for n, person in enumerate(self.people):
            escort = visit_from = visit_until = ""
            if person.kind == "visitor" and person.auths:
                escort = self.people[rng.choice(self.staff)].ref
                first, last = person.auths[0].valid_from, person.auths[0].valid_until or person.auths[0].valid_from
                visit_from, visit_until = f"{_day_text(first)}T08:00:00+01:00", f"{_day_text(last)}T18:00:00+01:00"
            lines.append(f"{person.ref},Person {n + 1},{employers[person.kind]},{person.kind},"
                         f"{_day_text(person.left_on)},,{escort},{visit_from},{visit_until}\n")  # fmt: skip
        (folder / "people.csv").write_text("".join(lines), "utf-8")
        lines = ["badge,person,from,until\n"]
        for badge, holdings in self.holders.items():
            for person, since, until in holdings:
                lines.append(f"{badge},{self.people[person].ref},{_day_text(since)},{_day_text(until)}\n")
        (folder / "badges.csv").write_text("".join(lines), "utf-8")
        lines = ["person,site,zone,from,until,days,hours,approved_by,reason\n"]
        for auth in self.auths:
            days, _bits, hours, _s, _e, _w = WINDOWS[auth.window]
            approver = rng.choice(self.staff)
            approver = approver if approver != auth.person else self.staff[0]
            lines.append(f"{self.people[auth.person].ref},{SITES[auth.site][0]},{ZONES[auth.zone][0]},"
                         f"{_day_text(auth.valid_from)},{_day_text(auth.valid_until)},{days},{hours},"
                         f"{self.people[approver].ref},CHG-{rng.randrange(1000, 9999)}\n")  # fmt: skip
        (folder / "authorisations.csv").write_text("".join(lines), "utf-8")


def generate(folder: Path, events: int) -> dict[str, Any]:
    facts = Year(folder, events).write()
    (folder / "complete.json").write_text(json.dumps(facts))
    return facts


# --- the measurements ----------------------------------------------------------------------------------

EVENT_COLUMNS = "at, site_id, zone_id, door_id, badge, granted, direction, local_date, local_weekday, local_minute"
# The badge's holder on the event's local date (on a hand-over day the later holding), joined once.
HOLDER_JOIN = """
LEFT JOIN physical_badgeholding h ON h.badge = e.badge AND h.held_from <= e.local_date
     AND (h.held_until IS NULL OR h.held_until >= e.local_date)
     AND NOT EXISTS (SELECT 1 FROM physical_badgeholding later
                     WHERE later.badge = e.badge AND later.held_from <= e.local_date
                       AND (later.held_until IS NULL OR later.held_until >= e.local_date)
                       AND (later.held_from > h.held_from OR (later.held_from = h.held_from AND later.id > h.id)))
LEFT JOIN physical_person p ON p.id = h.person_id
"""
COVERING = """
SELECT 1 FROM physical_authorisation a
WHERE a.person_id = h.person_id AND a.zone_id = e.zone_id AND a.valid_from <= e.local_date
  AND (a.valid_until IS NULL OR a.valid_until >= e.local_date)
  AND (a.revoked_on IS NULL OR a.revoked_on > e.local_date)
"""
# The weekday's bit of ``days`` (Monday = bit 0); after midnight, a window across it is the previous day's.
ALLOWING = (
    COVERING
    + """
  AND ((a.start_minute IS NULL AND (a.days >> e.local_weekday) & 1 = 1)
    OR (a.start_minute < a.end_minute AND e.local_minute >= a.start_minute AND e.local_minute < a.end_minute
        AND (a.days >> e.local_weekday) & 1 = 1)
    OR (a.start_minute > a.end_minute AND e.local_minute >= a.start_minute AND (a.days >> e.local_weekday) & 1 = 1)
    OR (a.start_minute > a.end_minute AND e.local_minute < a.end_minute
        AND (a.days >> ((e.local_weekday + 6) % 7)) & 1 = 1))
"""
)
BASELINE_GRANTED_SQL = f"""
SELECT * FROM (
  SELECT e.at, s.code, z.name AS zone, d.name AS door, e.badge, p.ref,
         CASE WHEN h.id IS NULL THEN 'unknown-badge'
              WHEN p.left_on < e.local_date THEN 'after-leaving'
              WHEN NOT EXISTS ({COVERING}) THEN 'no-authorisation'
              WHEN NOT EXISTS ({ALLOWING}) THEN 'outside-hours'
         END AS rule
  FROM physical_badgeevent e
  JOIN inventory_site s ON s.id = e.site_id
  JOIN physical_zone z ON z.id = e.zone_id
  JOIN physical_door d ON d.id = e.door_id
  {HOLDER_JOIN}
  WHERE e.granted AND e.direction = 'in'
) checked
WHERE rule IS NOT NULL
"""
BASELINE_DENIALS_SQL = f"""
SELECT e.at, s.code, z.name, d.name, e.badge, p.ref
FROM physical_badgeevent e
JOIN inventory_site s ON s.id = e.site_id
JOIN physical_zone z ON z.id = e.zone_id
JOIN physical_door d ON d.id = e.door_id
{HOLDER_JOIN}
WHERE NOT e.granted
ORDER BY e.badge, e.at, e.id
"""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _utc_text(value: Any) -> str:
    """An instant as the database gave it (aware, naive UTC, or SQLite's text) → 'YYYY-MM-DD HH:MM:SS'."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(" ", "seconds")


def baseline_anomalies() -> list[tuple[Any, ...]]:
    """The hand-written statements, fetched in full, and the run of denials walked in Python."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(BASELINE_GRANTED_SQL)
        found = cursor.fetchall()
        cursor.execute(BASELINE_DENIALS_SQL)
        window = dt.timedelta(minutes=10)
        badge, run = None, deque()  # type: ignore[var-annotated]
        for row in cursor.fetchall():
            at = row[0] if not isinstance(row[0], str) else dt.datetime.fromisoformat(row[0])
            if row[4] != badge:
                badge, run = row[4], deque()
            while run and at - run[0] > window:
                run.popleft()
            run.append(at)
            if len(run) >= 3:
                found.append((*row, "repeated-denials"))
                run.clear()
    return found


def measure_anomalies(facts: dict[str, Any], rounds: int) -> dict[str, Any]:
    from art28.physical.anomalies import find_anomalies

    art28_times, baseline_times = [], []
    art28: list[Any] = []
    baseline: list[Any] = []
    for _ in range(rounds):  # alternated, the best of each: the same caches for both
        started = time.perf_counter()
        baseline = baseline_anomalies()
        baseline_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        art28 = find_anomalies()
        art28_times.append(time.perf_counter() - started)
    ours = {(_utc_text(a.at), a.site, a.zone, a.door, a.badge, a.person, a.rule) for a in art28}
    theirs = {(_utc_text(r[0]), *r[1:]) for r in baseline}
    counts = Counter(a.rule for a in art28)
    same = ours == theirs and len(ours) == len(art28) == len(baseline)
    if not same:
        print("art28 only:", sorted(ours - theirs)[:10], file=sys.stderr)
        print("baseline only:", sorted(theirs - ours)[:10], file=sys.stderr)
    planted = facts["planted"]
    assert same, "find_anomalies() and the hand-written SQL disagree"
    assert dict(counts) == planted, f"found {dict(counts)}, planted {planted}"
    return {"engine_seconds": min(art28_times), "baseline_seconds": min(baseline_times),
            "ratio": min(art28_times) / min(baseline_times), "engine_rounds": art28_times,
            "baseline_rounds": baseline_times, "anomalies": len(art28), "by_rule": dict(counts),
            "same_result": same, "as_planted": dict(counts) == planted}  # fmt: skip


def baseline_import(expected: int) -> dict[str, Any]:
    """The rows the importer wrote, read back (untimed), the table emptied, and the same rows inserted again
    by a plain executemany in batches, in one transaction; the executemany calls and the commit timed."""
    from django.db import connection, transaction

    postgres = connection.vendor == "postgresql"
    as_text = "at::text, {}, local_date::text" if postgres else "at || '', {}, local_date || ''"
    middle = "site_id, zone_id, door_id, badge, CASE WHEN granted THEN 1 ELSE 0 END, direction"
    select = f"SELECT {as_text.format(middle)}, local_weekday, local_minute FROM physical_badgeevent ORDER BY id"
    with tempfile.NamedTemporaryFile("w+", suffix=".tsv", dir=Path(__file__).parent / "out") as dump:
        with transaction.atomic(), connection.chunked_cursor() as cursor:
            cursor.execute(select)
            while rows := cursor.fetchmany(20_000):
                dump.writelines("\t".join(str(value) for value in row) + "\n" for row in rows)
        dump.flush()
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute("TRUNCATE physical_badgeevent")
            else:
                cursor.execute("DELETE FROM physical_badgeevent")
                cursor.execute("VACUUM")
        dump.seek(0)
        insert = f"INSERT INTO physical_badgeevent ({EVENT_COLUMNS}) VALUES ({', '.join(['%s'] * 10)})"
        seconds, inserted = 0.0, 0
        transaction.set_autocommit(False)
        try:
            with connection.cursor() as cursor:
                batch: list[tuple[Any, ...]] = []
                for line in dump:
                    at, site, zone, door, badge, granted, direction, date, weekday, minute = line[:-1].split("\t")
                    batch.append((at, int(site), int(zone), int(door), badge, granted == "1", direction, date,
                                  int(weekday), int(minute)))  # fmt: skip
                    if len(batch) == BATCH:
                        started = time.perf_counter()
                        cursor.executemany(insert, batch)
                        seconds += time.perf_counter() - started
                        inserted += len(batch)
                        batch = []
                started = time.perf_counter()
                if batch:
                    cursor.executemany(insert, batch)
                    inserted += len(batch)
                connection.commit()
                seconds += time.perf_counter() - started
        finally:
            transaction.set_autocommit(True)
    assert inserted == expected, (inserted, expected)
    return {"seconds": seconds}


def settle() -> None:
    """PostgreSQL: what autovacuum does after a bulk load (statistics, visibility map), done now so that both
    sides of the anomaly comparison see the same table."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "art28.settings")
    os.environ.setdefault("ART28_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    from art28.core.audit import SystemActor
    from art28.inventory.models import Site
    from art28.physical.importer import physical_import

    folder = Path(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    facts = json.loads((folder / "complete.json").read_text())
    call_command("migrate", verbosity=0)
    for code, name, city, country, _zone in SITES:
        Site.objects.create(code=code, name=name, city=city, country=country)
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    report = physical_import(folder, actor=SystemActor("bench"))
    import_seconds = time.perf_counter() - started
    rss_import = peak_rss_mb()
    assert report.counts["events.csv"] == {"created": facts["events"], "already known": 0}, report.counts
    settle()
    anomalies = measure_anomalies(facts, rounds)
    baseline = baseline_import(facts["events"])
    print(
        json.dumps(
            {
                "events": facts["events"],
                "people": facts["people"],
                "import_seconds": import_seconds,
                "import_rows_per_second": facts["events"] / import_seconds,
                "baseline_import_seconds": baseline["seconds"],
                "baseline_rows_per_second": facts["events"] / baseline["seconds"],
                "import_ratio": import_seconds / baseline["seconds"],
                "peak_rss_mb": rss_import,
                "rss_before_import_mb": rss_before,
                "anomalies": anomalies,
                "counts": report.counts,
            }
        )
    )


if __name__ == "__main__":
    main()

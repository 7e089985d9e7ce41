"""The demo's physical security (S5; docs/physical.md): a year of badge events at the demo's four sites, with
a few planted anomalies, written as the five CSV files of the format and loaded by the real importer.

Example Hosting SA runs Geneva (GVA1: offices and a hall with a customer's cage; GVA2: a hall only) and
Zurich (ZRH1: offices and a hall), and rents a cage at Mainhattan Colocation in Frankfurt (FRA1), whose
lobby and hall are the operator's. Staff badge in and out on working days (office hours), technicians
walk the halls, cages and meet-me-rooms, on-call technicians are called out at night, a night operator
covers Sunday to Thursday nights, cleaners come in the evening, contractors and the operator's staff do
their rounds, and visitors come escorted. Dates and hours are each site's own clock.

Planted, as an auditor would hope to find them: the Frankfurt cabling contractor's badge opening the
provider's cage about 30 hours before the load (the demo's incident), a salesman let into the Zurich
meet-me-room, entries outside the allowed hours, a technician who left but kept his badge, a lost
badge and a badge nobody holds, and runs of refused reads.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
import zoneinfo
from collections import Counter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone

from art28.core.audit import SystemActor
from art28.demo.logins import STAFF
from art28.demo.physical_people import (
    FIRST,
    HALL,
    LAST,
    OFFICE,
    OFFICE_HOURS,
    OPERATOR,
    OPERATOR_STAFF,
    OSCAR,
    PUBLIC,
    SITE_MANAGER,
    VISIT_HOURS,
    VISITORS,
    ZONES,
    ZRH_LEAD,
    Person,
    access_of,
    approver,
    reason,
)
from art28.inventory.models import Site
from art28.inventory.timezones import site_zone
from art28.physical.anomalies import find_anomalies
from art28.physical.importer import physical_import

# Office-hours roles → (the chance of a hall visit each half-day, of each class-4 room during one)
DAY_ROLES = {"office": (0.0, 0.0), "tech": (0.8, 0.12), "tech-oncall": (0.8, 0.12), "ops-lead": (0.6, 0.15),
             "network": (0.7, 0.5), "security": (0.1, 0.3)}  # fmt: skip
# The inventory's assets inside a zone: the provider's Frankfurt cage holds the backup set of the demo's
# incident, so an incident declared from an anomaly there is scoped to it.
ZONE_ASSETS = {("FRA1", "cage"): ("BK-FRA1-01",)}
DENIED_READ = 0.006  # a badge misread at the entrance, read again at once


def _easter(year: int) -> dt.date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, (b, c) = year % 19, divmod(year, 100)
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _holidays(years: range) -> set[dt.date]:
    """Geneva's and Zurich's common public holidays (New Year, 2 January, Easter, Ascension, Whit Monday,
    1 August, Christmas)."""
    days = set()
    for year in years:
        days |= {dt.date(year, month, day) for month, day in ((1, 1), (1, 2), (8, 1), (12, 25), (12, 26))}
        days |= {_easter(year) + dt.timedelta(days=n) for n in (-2, 1, 39, 50)}
    return days


def _text(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


class _Log:
    """The badge events, by (instant, site, door, badge), kept when they fall in the past year."""

    def __init__(self, clocks: dict[str, zoneinfo.ZoneInfo], start: dt.datetime, now: dt.datetime) -> None:
        self.clocks, self.start, self.now = clocks, start, now
        self.rows: dict[tuple[dt.datetime, str, str, str], tuple[str, bool, str]] = {}

    def at(self, site: str, day: dt.date, minutes: float) -> dt.datetime:
        """The instant of a wall-clock time (minutes after the local midnight of ``day``) on the site's clock."""
        wall = dt.datetime.combine(day, dt.time(), tzinfo=self.clocks[site]) + dt.timedelta(minutes=minutes)
        return wall.astimezone(dt.UTC).replace(microsecond=0)

    def add(self, site: str, zone: str, moment: dt.datetime, badge: str, *, out: bool = False,
            granted: bool = True, door: str = "") -> None:  # fmt: skip
        if self.start <= moment <= self.now:
            door = door or ZONES[site][zone][1][0]
            self.rows.setdefault((moment, site, door, badge), (zone, granted, "out" if out else "in"))

    def stay(self, site: str, zone: str, day: dt.date, start: float, end: float, badge: str, door: str = "") -> None:
        """In at ``start``, out at ``end`` (minutes of the day)."""
        self.add(site, zone, self.at(site, day, start), badge, door=door)
        self.add(site, zone, self.at(site, day, end), badge, out=True, door=door)

    def write(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(["time", "site", "zone", "door", "badge", "result", "direction"])
            for (moment, site, door, badge), (zone, granted, direction) in sorted(self.rows.items()):
                local = moment.astimezone(self.clocks[site]).isoformat()
                out.writerow([local, site, zone, door, badge, "granted" if granted else "denied", direction])


class _Demo:
    def __init__(self, clocks: dict[str, zoneinfo.ZoneInfo], now: dt.datetime) -> None:
        self.rng = random.Random(16)  # noqa: S311 - a demo's reproducible year, not a secret
        self.now = now
        self.today = now.astimezone(clocks["GVA1"]).date()
        self.log = _Log(clocks, now - dt.timedelta(days=365), now)
        self.first_day = self.log.start.astimezone(clocks["GVA1"]).date()
        self.days = [self.first_day + dt.timedelta(days=n) for n in range((self.today - self.first_day).days + 1)]
        self.holidays = _holidays(range(self.first_day.year, self.today.year + 1))
        self.busy: set[tuple[str, dt.date]] = set()  # (person, day): a planted day replaces the usual one
        self.badge_numbers = iter(str(n) for n in self.rng.sample(range(100_000, 1_000_000), 80))
        self.people: dict[str, Person] = {}
        self._roster()

    def ago(self, days: int, weekday: int | None = None) -> dt.date:
        day = self.today - dt.timedelta(days=days)
        return day if weekday is None else _on_or_before(day, weekday)

    # --- who ---

    def person(self, ref: str, role: str, home: str, name: str = "", **values: object) -> Person:
        used = {p.name for p in self.people.values()}
        while not name or name in used:
            name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
        person = Person(ref, name, role, home, **values)  # type: ignore[arg-type]
        if person.kind in ("staff", "contractor"):
            person.off_weeks = frozenset(self.rng.sample(range(1, 53), 5))
        if person.hired_on is None and person.kind != "visitor":
            person.hired_on = self.ago(self.rng.randint(400, 3500))
        if person.kind != "visitor":
            person.badges.append((next(self.badge_numbers), person.hired_on or self.first_day, person.until))
        person.access = access_of(person)
        self.people[ref] = person
        return person

    def visitor(self, ref: str, name: str, employer: str, site: str, zones: tuple[str, ...], escort: str,
                day: dt.date, hours: tuple[float, float], badge: str) -> Person:  # fmt: skip
        visit = (self.log.at(site, day, hours[0]), self.log.at(site, day, hours[1]))
        p = self.person(ref, "visitor", site, name, kind="visitor", employer=employer, escort=escort, visit=visit,
                        hired_on=day, until=day)  # fmt: skip
        p.badges.append((badge, day, day))
        p.access = {(site, zone): VISIT_HOURS for zone in (PUBLIC, *zones)}
        return p

    def _roster(self) -> None:
        logins = {email: name for email, _role, name in STAFF}
        for ref, email, role in (("EH-001", "admin", "office"), ("EH-002", "dpo", "office"),
                                 ("EH-003", "security", "security"), ("EH-004", "ops", "ops-lead"),
                                 ("EH-005", "auditor", "office")):  # fmt: skip
            address = f"{email}@example-hosting.ch"
            self.person(ref, role, "GVA1", logins[address], email=address)
        for n in range(6, 15):
            self.person(f"EH-{n:03d}", "office", "GVA1", free_weekday=4 if n % 4 == 0 else None)
        leaver = self.people["EH-013"]  # left in spring, badge returned, authorisations ended: nothing to find
        leaver.left_on = leaver.active_until = leaver.until = self.ago(210)
        leaver.badges[0] = (leaver.badges[0][0], leaver.badges[0][1], leaver.left_on)
        for ref, role, home in (("EH-015", "tech-oncall", "GVA1"), ("EH-016", "tech-oncall", "GVA1"),
                                ("EH-017", "tech", "GVA1"), ("EH-018", "network", "GVA1"), ("EH-019", "night", "GVA1"),
                                ("EH-020", "tech", "GVA2"), ("EH-021", "tech", "GVA2"), ("EH-022", "ops-lead", "ZRH1"),
                                ("EH-023", "tech-oncall", "ZRH1"), ("EH-024", "tech", "ZRH1"),
                                ("EH-025", "tech", "ZRH1")):  # fmt: skip
            self.person(ref, role, home, hired_on=self.ago(150) if ref == "EH-021" else None)
        for ref in (ZRH_LEAD, "EH-024"):  # they look after the Frankfurt cage
            self.people[ref].access |= {("FRA1", zone): OFFICE_HOURS for zone in ZONES["FRA1"]}
        self.people["EH-025"].left_on = self.people["EH-025"].active_until = self.ago(130)  # his badge: not returned
        for n in range(26, 33):
            self.person(f"EH-{n:03d}", "office", "ZRH1", free_weekday=2 if n % 3 == 0 else None)
        for ref, reissued in (("EH-009", self.ago(150)), ("EH-024", self.ago(130))):  # a lost and a broken badge
            old, since, _until = self.people[ref].badges[0]
            self.people[ref].badges[:] = [(old, since, reissued - dt.timedelta(days=1)),
                                          (next(self.badge_numbers), reissued, None)]  # fmt: skip
        for n in (1, 2):
            self.person(f"CT-0{n}", "cleaner", "GVA1", kind="contractor", employer="Netto Services Sàrl")
        self.person("CT-03", "hvac", "GVA1", kind="contractor", employer="Clim'Air SA")
        self.person("CT-04", "ups", "ZRH1", kind="contractor", employer="Elektro Wyss AG")
        incident = self.now - dt.timedelta(hours=30)  # the demo incident: his badge opened our Frankfurt cage
        revoked = (self.now - dt.timedelta(hours=5)).astimezone(self.log.clocks["FRA1"]).date()
        last_day = incident.astimezone(self.log.clocks["FRA1"]).date() - dt.timedelta(days=1)
        contractor = {"kind": "contractor", "employer": "Rhein-Main Kabeltechnik GmbH"}
        self.person("CT-05", "cabling", "FRA1", "Jonas Becker", **contractor, hired_on=self.ago(300), until=revoked,
                    active_until=last_day)  # fmt: skip
        for ref, name, role in OPERATOR_STAFF:
            self.person(ref, role, "FRA1", name, kind="operator", employer=OPERATOR)

    # --- what they do ---

    def usual_day(self, p: Person, day: dt.date) -> bool:
        return (day.weekday() < 5 and day not in self.holidays and day.isocalendar().week not in p.off_weeks
                and day.weekday() != p.free_weekday and (p.hired_on or day) <= day
                and (p.active_until is None or day <= p.active_until) and (p.ref, day) not in self.busy
                and self.rng.random() > 0.02)  # fmt: skip

    def working_day(self, p: Person, site: str, day: dt.date, *, hall: float, inner: float) -> None:
        """Office hours: in through the entrance (and the office), maybe out for lunch, hall walks, out."""
        rng, log, badge = self.rng, self.log, p.badge_on(day)
        if badge is None:
            return
        arrive, leave = rng.triangular(425, 570, 480), rng.triangular(990, 1135, 1050)
        doors = ZONES[site][PUBLIC][1]
        door = doors[1] if len(doors) > 1 and "tech" in p.role and rng.random() < 0.2 else doors[0]
        if rng.random() < DENIED_READ:
            log.add(site, PUBLIC, log.at(site, day, arrive - rng.uniform(0.1, 0.6)), badge, granted=False, door=door)
        log.add(site, PUBLIC, log.at(site, day, arrive), badge, door=door)
        office = (site, OFFICE) in p.access
        if office:
            log.add(site, OFFICE, log.at(site, day, arrive + rng.uniform(1, 4)), badge)
        afternoon = 780.0
        if rng.random() < 0.45:
            lunch = rng.uniform(705, 750)
            afternoon = lunch + rng.uniform(30, 65)
            log.add(site, PUBLIC, log.at(site, day, lunch), badge, out=True)
            log.add(site, PUBLIC, log.at(site, day, afternoon), badge)
            if office:
                log.add(site, OFFICE, log.at(site, day, afternoon + rng.uniform(1, 3)), badge)
        rooms = [zone for (s, zone) in p.access if s == site and ZONES[site][zone][0] == 4]
        for first, last in ((arrive + 15, 690.0), (afternoon + 10, leave - 40)):
            if (site, HALL) not in p.access or last - first < 20 or rng.random() >= hall:
                continue
            enter = rng.uniform(first, last - 15)
            end = enter + rng.uniform(15, max(16.0, min(80, last + 10 - enter)))
            hall_door = rng.choice(ZONES[site][HALL][1])
            log.stay(site, HALL, day, enter, end, badge, hall_door)
            for room in rooms:
                if rng.random() < inner:
                    room_in = rng.uniform(enter + 3, (enter + end) / 2)
                    log.stay(site, room, day, room_in, rng.uniform(room_in + 4, end - 1), badge)
        log.add(site, PUBLIC, log.at(site, day, leave), badge, out=True, door=door)

    def staff_days(self) -> None:
        inspections = {day: ("ZRH1", "GVA2")[n % 2] for n, day in enumerate(self.days[20::42])}
        for p in self.people.values():
            if p.role not in DAY_ROLES:
                continue
            for day in self.days:
                if not self.usual_day(p, day):
                    continue
                site, (hall, inner) = p.home, DAY_ROLES[p.role]
                if p.role == "network" and day.weekday() == 2:
                    site = "GVA2"  # Wednesdays at Vernier's meet-me-room
                if p.role == "security" and day in inspections:
                    site, hall, inner = inspections[day], 1.0, 0.8  # her site inspections
                self.working_day(p, site, day, hall=hall, inner=inner)

    def on_call(self) -> None:
        """A week each on call (24/7 authorisations): called out at night or at the weekend, to the hall."""
        rng, log = self.rng, self.log
        for pool, sites in (([OSCAR, "EH-015", "EH-016"], ("GVA1", "GVA1", "GVA2")), ([ZRH_LEAD, "EH-023"], ("ZRH1",))):
            for week, monday in enumerate(self.days[(7 - self.first_day.weekday()) % 7 :: 7]):
                p = self.people[pool[week % len(pool)]]
                if monday.isocalendar().week in p.off_weeks:
                    continue
                for _call in range(rng.choice((0, 1, 1, 2))):
                    day = monday + dt.timedelta(days=rng.randrange(7))
                    start = rng.uniform(600, 960) if day.weekday() >= 5 else rng.uniform(1170, 1830)
                    site, badge = rng.choice(sites), p.badge_on(day)
                    if badge is None:
                        continue
                    log.stay(site, PUBLIC, day, start, start + rng.uniform(45, 150), badge)
                    log.stay(site, HALL, day, start + rng.uniform(2, 5), start + rng.uniform(25, 40), badge)

    def nights(self) -> None:
        """Sunday to Thursday nights, 22:00-06:00: the NOC (office) and rounds of the hall."""
        p, rng, log = self.people["EH-019"], self.rng, self.log
        for day in self.days:
            badge = p.badge_on(day)
            if day.weekday() not in (6, 0, 1, 2, 3) or day.isocalendar().week in p.off_weeks or badge is None:
                continue
            log.add("GVA1", PUBLIC, log.at("GVA1", day, rng.uniform(1320, 1325)), badge)
            log.add("GVA1", OFFICE, log.at("GVA1", day, rng.uniform(1326, 1332)), badge)
            for round_start in (1410, 1530, 1650):  # 23:30, 01:30, 03:30
                enter = round_start + rng.uniform(0, 20)
                log.stay(
                    "GVA1", HALL, day, enter, enter + rng.uniform(15, 35), badge, rng.choice(ZONES["GVA1"][HALL][1])
                )
            log.add("GVA1", PUBLIC, log.at("GVA1", day, rng.uniform(1800, 1815)), badge, out=True)

    def contractors_and_operator(self) -> None:
        rng, log, people = self.rng, self.log, self.people
        for day in self.days:
            weekday = day.weekday()
            for ref in ("CT-01", "CT-02"):  # cleaners: weekday evenings in the Geneva offices
                p = people[ref]
                if self.usual_day(p, day) and (badge := p.badge_on(day)):
                    arrive = rng.uniform(1050, 1110)
                    log.stay("GVA1", PUBLIC, day, arrive, rng.uniform(1245, 1310), badge)
                    log.add("GVA1", OFFICE, log.at("GVA1", day, arrive + rng.uniform(1, 3)), badge)
            jobs = []
            if weekday == 1 and 8 <= day.day <= 14:  # the air conditioning, each month's second Tuesday
                jobs.append(("CT-03", ("GVA1", "GVA2")[day.month % 2]))
            if day.month % 3 == 2 and weekday in (2, 3) and day.day <= 8:  # the UPS, quarterly
                jobs.append(("CT-04", "ZRH1"))
            if weekday in (1, 3) and self.usual_day(people["CT-05"], day):  # cross-connects in Frankfurt
                jobs.append(("CT-05", "FRA1"))
            for ref, site in jobs:
                if (badge := people[ref].badge_on(day)) and (ref, day) not in self.busy:
                    arrive, leave = rng.uniform(465, 500), rng.uniform(900, 960)
                    log.stay(site, PUBLIC, day, arrive, leave, badge)
                    log.stay(site, HALL, day, arrive + rng.uniform(4, 10), rng.uniform(705, 735), badge)
                    log.stay(site, HALL, day, rng.uniform(765, 795), leave - rng.uniform(4, 10), badge)
            self.operator_day(day)

    def operator_day(self, day: dt.date) -> None:
        """Mainhattan's staff in their own building: the guards' rounds, remote hands, the site manager."""
        rng, log, people = self.rng, self.log, self.people
        guard = people[("MC-03", "MC-04")[day.isocalendar().week % 2]]
        for start in (rng.uniform(590, 620), rng.uniform(890, 930), rng.uniform(1550, 1600)):
            log.stay("FRA1", HALL, day, start, start + rng.uniform(10, 25), guard.badge_on(day) or "")
        if day.weekday() >= 5 or day in self.holidays:
            return
        hands = people["MC-02"]
        if rng.random() < 0.55 and (badge := hands.badge_on(day)):
            log.stay("FRA1", PUBLIC, day, rng.uniform(450, 540), rng.uniform(990, 1050), badge)
            for start in sorted(rng.uniform(560, 940) for _n in range(rng.randint(1, 3))):
                log.stay("FRA1", HALL, day, start, start + rng.uniform(10, 30), badge)
                if rng.random() < 0.12:  # a remote-hands ticket in our cage
                    log.stay("FRA1", "cage", day, start + 3, start + rng.uniform(6, 9), badge)
        manager = people[SITE_MANAGER]
        if rng.random() < 0.35 and (badge := manager.badge_on(day)):
            log.stay("FRA1", PUBLIC, day, rng.uniform(500, 540), rng.uniform(1020, 1080), badge)
            walk = rng.uniform(600, 690)
            log.stay("FRA1", HALL, day, walk, walk + rng.uniform(20, 40), badge)

    def frankfurt_trips(self) -> None:
        """The Zurich ops lead and a technician at the Frankfurt cage every five weeks; on one trip the
        technician's new badge was not yet known to the cage's reader (refused three times)."""
        trips = [_on_or_before(day, 1) for day in self.days[12::35]]
        planted = min(trips, key=lambda day: abs((self.ago(100) - day).days))
        log, rng = self.log, self.rng
        for day in trips:
            for n, ref in enumerate((ZRH_LEAD, "EH-024")):
                badge = self.people[ref].badge_on(day)
                if badge is None:
                    continue
                self.busy.add((ref, day))
                log.stay("FRA1", PUBLIC, day, 600 + n * 0.3, 825 + n * 0.3, badge)
                log.stay("FRA1", HALL, day, 604 + n * 0.3, 820 + n * 0.3, badge)
                if day != planted:
                    log.stay("FRA1", "cage", day, 608 + n * 0.2, 810 + rng.uniform(0, 5), badge)
                elif ref == ZRH_LEAD:  # he opens the cage for both, after the refusals
                    log.stay("FRA1", "cage", day, 613.4, 810, badge)
                else:
                    for minute in (608.2, 609.5, 611.8):
                        log.add("FRA1", "cage", log.at("FRA1", day, minute), badge, granted=False)

    def visitors(self) -> None:
        log, rng = self.log, self.rng
        for ref, name, employer, site, zones, escort, days_ago, hours, badge in VISITORS:
            day = self.ago(days_ago, weekday=1 + days_ago % 3)
            self.visitor(ref, name, employer, site, zones, escort, day, hours, badge)
            log.stay(site, PUBLIC, day, hours[0] + rng.uniform(2, 5), hours[1] - 5, badge)
            for n, zone in enumerate(zones):
                log.stay(site, zone, day, hours[0] + 8 + 4 * n, hours[1] - 12 - 4 * n, badge)
        # Ticino Fibre's engineer tries the meet-me-room (her visit is to the hall) until her escort opens it.
        day, guide = self.ago(40, weekday=2), self.people["EH-018"]
        badge = guide.badge_on(day) or ""
        self.busy.add((guide.ref, day))
        log.stay("GVA2", PUBLIC, day, 565, 760, badge)
        log.stay("GVA2", HALL, day, 573, 752, badge)
        for minute in (581.2, 583.7, 586.1):
            log.add("GVA2", "meet-me-room", log.at("GVA2", day, minute), "V-GVA2-01", granted=False)
        log.stay("GVA2", "meet-me-room", day, 587, 700, badge)

    def plant(self) -> None:
        """The anomalies an auditor should find (besides the refused cage and meet-me-room reads)."""
        log, people = self.log, self.people
        # The demo incident: the Frankfurt cabling contractor in our cage, about 30 hours ago (no-authorisation).
        incident = (self.now - dt.timedelta(hours=30)).replace(microsecond=0)
        badge = people["CT-05"].badge_on(incident.astimezone(log.clocks["FRA1"]).date()) or ""
        for minutes, zone, out in ((-14, PUBLIC, False), (-9, HALL, False), (0, "cage", False), (52, "cage", True),
                                   (56, HALL, True), (60, PUBLIC, True)):  # fmt: skip
            log.add("FRA1", zone, incident + dt.timedelta(minutes=minutes), badge, out=out)
        # A Zurich salesman shows a prospect the meet-me-room he may not enter (no-authorisation).
        sales, day = people["EH-029"], self.ago(140, weekday=3)
        self.busy.add((sales.ref, day))
        sales_badge = sales.badge_on(day) or ""
        log.stay("ZRH1", PUBLIC, day, 492, 1062, sales_badge)
        log.add("ZRH1", OFFICE, log.at("ZRH1", day, 494), sales_badge)
        log.stay("ZRH1", "meet-me-room", day, 860, 885, sales_badge)
        # Outside hours: a technician in the hall on a Saturday, a developer in the office at 05:50, a cleaner
        # back at 22:36 (her window closes at 22:00: the entrance and the office).
        tech, day = people["EH-017"], self.ago(170, weekday=5)
        log.stay("GVA1", PUBLIC, day, 612, 706, tech.badge_on(day) or "")
        log.stay("GVA1", HALL, day, 615, 700, tech.badge_on(day) or "")
        developer, day = people["EH-027"], self.ago(33, weekday=0)
        self.busy.add((developer.ref, day))
        log.stay("ZRH1", PUBLIC, day, 348, 920, developer.badge_on(day) or "")
        log.add("ZRH1", OFFICE, log.at("ZRH1", day, 350), developer.badge_on(day) or "")
        cleaner, day = people["CT-01"], self.ago(80, weekday=2)
        log.stay("GVA1", PUBLIC, day, 1356, 1371, cleaner.badge_on(day) or "")
        log.add("GVA1", OFFICE, log.at("GVA1", day, 1358), cleaner.badge_on(day) or "")
        # After leaving: the Zurich technician who kept his badge, three and six weeks after his last day.
        leaver = people["EH-025"]
        left_on = leaver.left_on or self.today
        day = _on_or_before(left_on + dt.timedelta(days=22), 1)
        log.stay("ZRH1", PUBLIC, day, 1180, 1231, leaver.badge_on(day) or "")
        log.stay("ZRH1", HALL, day, 1183, 1225, leaver.badge_on(day) or "")
        day = _on_or_before(left_on + dt.timedelta(days=45), 5)
        log.stay("ZRH1", PUBLIC, day, 665, 690, leaver.badge_on(day) or "")
        # Unknown badges: the lost one, still opening doors after its holder got a new one; and one nobody
        # holds, let in at Vernier on a Sunday night and then refused four times at the hall.
        lost, _since, until = people["EH-009"].badges[0]
        reissued = (until or self.today) + dt.timedelta(days=1)
        log.stay("GVA1", PUBLIC, reissued + dt.timedelta(days=9), 1162, 1180, lost)
        log.add("GVA1", PUBLIC, log.at("GVA1", reissued + dt.timedelta(days=12), 1385), lost, door="loading-dock")
        stranger, day = next(self.badge_numbers), self.ago(75, weekday=6)
        log.stay("GVA2", PUBLIC, day, 192, 204.5, stranger)
        for minute in (194.3, 196.1, 198.7, 201.5):
            log.add("GVA2", HALL, log.at("GVA2", day, minute), stranger, granted=False)

    # --- the files ---

    def write(self, folder: Path) -> None:
        def table(name: str, header: list[str], rows: list[list[str]]) -> None:
            with (folder / name).open("w", newline="", encoding="utf-8") as handle:
                out = csv.writer(handle)
                out.writerow(header)
                out.writerows(rows)

        table(
            "zones.csv",
            ["site", "zone", "security_class", "assets"],
            [[site, zone, str(klass), ";".join(ZONE_ASSETS.get((site, zone), ()))]
             for site, zones in ZONES.items() for zone, (klass, _d) in zones.items()],
        )  # fmt: skip
        table(
            "people.csv",
            ["ref", "name", "employer", "kind", "left_on", "email", "escort", "visit_from", "visit_until"],
            [
                [p.ref, p.name, p.employer, p.kind, _text(p.left_on), p.email, p.escort, *self.visit(p)]
                for p in self.people.values()
            ],
        )
        table(
            "badges.csv",
            ["badge", "person", "from", "until"],
            [
                [badge, p.ref, _text(since), _text(until)]
                for p in self.people.values()
                for badge, since, until in p.badges
            ],
        )
        header = ["person", "site", "zone", "from", "until", "days", "hours", "approved_by", "reason"]
        table("authorisations.csv", header, self.authorisations())
        self.log.write(folder / "events.csv")

    def authorisations(self) -> list[list[str]]:
        rows = []
        for ticket, p in enumerate(self.people.values(), start=4101):
            periods = [(p.hired_on or self.first_day, p.until)]
            if p.role == "hvac":  # its maintenance contract is renewed each year
                new_year = dt.date(self.today.year, 1, 1)
                periods = [(periods[0][0], new_year - dt.timedelta(days=1)), (new_year, dt.date(new_year.year, 12, 31))]
            for (site, zone), (days, hours) in p.access.items():
                rows += [[p.ref, site, zone, _text(since), _text(until), days, hours, approver(p, site, zone),
                          reason(p, zone, (days, hours), ticket)] for since, until in periods]  # fmt: skip
        return rows

    def visit(self, p: Person) -> list[str]:
        """visit_from, visit_until on the site's clock."""
        clock = self.log.clocks[p.home]
        return [moment.astimezone(clock).isoformat() for moment in p.visit] if p.visit else ["", ""]


def load_demo_physical(actor: SystemActor) -> str:
    """Write the demo's zones, people, badges, authorisations and a year of events, and import them."""
    sites = {site.code: site for site in Site.objects.filter(code__in=ZONES)}
    if len(sites) < len(ZONES):
        return "physical security: the demo's sites are not in the inventory"
    demo = _Demo({code: site_zone(site) for code, site in sites.items()}, timezone.now().replace(microsecond=0))
    demo.visitors()
    demo.plant()
    demo.frankfurt_trips()
    demo.staff_days()
    demo.on_call()
    demo.nights()
    demo.contractors_and_operator()
    with tempfile.TemporaryDirectory() as folder:
        demo.write(Path(folder))
        physical_import(Path(folder), actor=actor)
    found = Counter(anomaly.rule for anomaly in find_anomalies())
    rules = ", ".join(f"{count} {rule}" for rule, count in sorted(found.items()))
    reviews = _demo_reviews(sites)
    return (
        f"physical security: {len(ZONES)} sites, {sum(len(z) for z in ZONES.values())} zones, "
        f"{len(demo.people)} people, {len(demo.log.rows):,} badge events over 365 days, "
        f"{sum(found.values())} anomalies ({rules}); {reviews}"
    )


def _demo_reviews(sites: dict[str, Site]) -> str:
    """Geneva's zones reviewed (each authorisation kept, but the leaver's revoked) by whichever of the
    security officer, operations and the administrator may decide it (nobody reviews their own access or
    one they approved); the Frankfurt cage's review under way. The other zones are due: the pages show
    every state."""
    from art28.core.models import User
    from art28.physical.models import Zone
    from art28.physical.reviews import access_review_start, review_item_decide

    emails = [email for email, role, _name in STAFF if role in ("security", "operations", "admin")]
    reviewers = sorted(User.objects.filter(email__in=emails), key=lambda user: emails.index(user.email))
    if len(reviewers) < 2:
        return "no access review (the demo's staff are needed)"
    today = timezone.localdate()
    done = 0
    for zone in Zone.objects.filter(site=sites["GVA1"]).order_by("name"):
        try:
            review = access_review_start(actor=reviewers[0], site=sites["GVA1"], zone=zone)
        except ValidationError:
            continue  # nobody authorised there
        for item in review.items.select_related("authorisation__person", "authorisation__approved_by"):
            person = item.authorisation.person
            decision = "revoke" if person.left_on and person.left_on < today else "keep"
            for reviewer in reviewers:
                try:
                    review_item_decide(actor=reviewer, item=item, decision=decision, note="Annual review")
                    break
                except ValidationError:
                    continue  # this reviewer is the person or approved it: the other one decides
        done += 1
    cage = Zone.objects.filter(site=sites["FRA1"], name="cage").first()
    if cage is not None:
        access_review_start(actor=reviewers[0], site=sites["FRA1"], zone=cage, due_on=today + dt.timedelta(days=10))
    return f"{done} access reviews of Geneva's zones completed, Frankfurt's cage under way"

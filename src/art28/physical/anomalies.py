"""The badge log checked against the authorisations (S5; docs/physical.md, "Anomalies").

For each *granted* ``in`` event, the most specific rule it breaks, in this order:

1. ``unknown-badge``: no person holds that badge on the event's local date (holdings are dates, both
   included; on a hand-over day the later holder holds it);
2. ``after-leaving``: the holder's ``left_on`` is before the event's local date;
3. ``no-authorisation``: the holder has no authorisation for that zone whose ``from``-``until`` covers the
   event's local date (and that was not revoked by then);
4. ``outside-hours``: such authorisations exist, but none allows that weekday and minute on the site's
   clock (a window across midnight allows, after midnight, the previous day's weekday).

One statement on both databases (the local date, weekday and minute were stored at import). Then
``repeated-denials``: three denied events of one badge at most ten minutes (inclusive) after the first of
the run, reported once, at the third; after a report the count starts again with the next denial (read
in one ordered pass over the denials, which are few).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from art28.inventory.timezones import site_zone
from art28.physical.models import BadgeEvent, BadgeHolding, Person

UNKNOWN_BADGE, AFTER_LEAVING, NO_AUTHORISATION, OUTSIDE_HOURS, REPEATED_DENIALS = (
    "unknown-badge", "after-leaving", "no-authorisation", "outside-hours", "repeated-denials",
)  # fmt: skip
RULES = (UNKNOWN_BADGE, AFTER_LEAVING, NO_AUTHORISATION, OUTSIDE_HOURS, REPEATED_DENIALS)
# What each rule means, for the pages (the codes are the stable output of the command and its JSON).
RULE_LABELS = {
    UNKNOWN_BADGE: _("a badge nobody held that day"),
    AFTER_LEAVING: _("the holder had left"),
    NO_AUTHORISATION: _("no authorisation for the zone that day"),
    OUTSIDE_HOURS: _("outside the authorised days and hours"),
    REPEATED_DENIALS: _("three refused reads within ten minutes"),
}
DENIALS_IN_A_RUN = 3
DENIAL_WINDOW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Anomaly:
    at: dt.datetime
    site: str
    zone: str
    door: str
    badge: str
    person: str | None
    rule: str

    def as_json(self, clock: zoneinfo.ZoneInfo) -> dict[str, Any]:
        return {"time": self.at.astimezone(clock).isoformat(), "site": self.site, "zone": self.zone,
                "door": self.door, "badge": self.badge, "person": self.person, "rule": self.rule}  # fmt: skip


def _events(site: str | None, since: dt.date | None) -> QuerySet[BadgeEvent]:
    events = BadgeEvent.objects.all()
    if site:
        events = events.filter(site__code=site)
    if since:
        events = events.filter(local_date__gte=since)
    return events


def _with_holder(events: QuerySet[BadgeEvent]) -> QuerySet[BadgeEvent]:
    """Each event with ``person_id``, ``person_ref`` and ``left_on`` of the badge's holder on its local date
    (on a hand-over day, both holdings include it: the later one holds it)."""
    holder = BadgeHolding.objects.filter(
        Q(held_until__isnull=True) | Q(held_until__gte=OuterRef("local_date")),
        badge=OuterRef("badge"), held_from__lte=OuterRef("local_date"),
    ).order_by("-held_from", "-pk")  # fmt: skip
    person = Person.objects.filter(pk=OuterRef("person_id"))
    return events.annotate(person_id=Subquery(holder.values("person_id")[:1])).annotate(
        left_on=Subquery(person.values("left_on")[:1]), person_ref=Subquery(person.values("ref")[:1])
    )


# The granted rules, one statement on both databases. Two fences (OFFSET 0) keep both planners to this
# order: each event's holder is looked up once, as a column (Django's ORM copied that lookup into every
# rule that reads it, four times a row, and PostgreSQL evaluates a join key that is a subquery twice);
# then each rule is decided once per event, right after its holder's ref and leaving date are joined;
# site, zone and door names are joined for the anomalies only (PostgreSQL, which cannot estimate how few
# they are, joined them first for all 5M entries). One pass over the holder's authorisations of the zone
# covering the date tells the last two rules apart: none covers it (no-authorisation), or some do but
# none allows the weekday and minute (outside-hours). ``days`` has a bit per weekday, Monday = bit 0; after
# midnight, a window across it belongs to the previous day's weekday ((weekday + 6) % 7).
_ALLOWS = """
    (a.days >> CASE WHEN a.start_minute > a.end_minute AND e.local_minute < a.end_minute
                    THEN (e.local_weekday + 6) %% 7 ELSE e.local_weekday END) & 1 = 1
    AND (a.start_minute IS NULL
         OR (a.start_minute < a.end_minute AND a.start_minute <= e.local_minute AND e.local_minute < a.end_minute)
         OR (a.start_minute > a.end_minute AND (a.start_minute <= e.local_minute OR e.local_minute < a.end_minute)))"""
GRANTED_SQL = f"""
SELECT checked.id, checked.at, s.code, z.name, d.name, checked.badge, checked.ref, checked.rule
FROM (
  SELECT e.id, e.at, e.site_id, e.zone_id, e.door_id, e.badge, p.ref,
         CASE WHEN e.person_id IS NULL THEN %(unknown)s
              WHEN p.left_on < e.local_date THEN %(after_leaving)s
              ELSE (SELECT CASE WHEN COUNT(*) = 0 THEN %(no_authorisation)s
                                WHEN MAX(CASE WHEN {_ALLOWS} THEN 1 ELSE 0 END) = 0 THEN %(outside_hours)s END
                    FROM physical_authorisation a
                    WHERE a.person_id = e.person_id AND a.zone_id = e.zone_id AND a.valid_from <= e.local_date
                      AND (a.valid_until IS NULL OR a.valid_until >= e.local_date)
                      AND (a.revoked_on IS NULL OR a.revoked_on > e.local_date))
         END AS rule
  FROM (
    SELECT e.id, e.at, e.site_id, e.zone_id, e.door_id, e.badge, e.local_date, e.local_weekday, e.local_minute,
           (SELECT h.person_id FROM physical_badgeholding h
            WHERE h.badge = e.badge AND h.held_from <= e.local_date
              AND (h.held_until IS NULL OR h.held_until >= e.local_date)
            ORDER BY h.held_from DESC, h.id DESC LIMIT 1) AS person_id
    FROM physical_badgeevent e
    WHERE e.granted = %(granted)s AND e.direction = %(direction)s {{where}}
    {{fence}}
  ) e
  LEFT JOIN physical_person p ON p.id = e.person_id
  {{fence}}
) checked
JOIN inventory_site s ON s.id = checked.site_id
JOIN physical_zone z ON z.id = checked.zone_id
JOIN physical_door d ON d.id = checked.door_id
WHERE checked.rule IS NOT NULL
"""


def _instant(value: Any) -> dt.datetime:
    """An instant as the cursor gives it: aware (PostgreSQL), or UTC without offset (SQLite, maybe as text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def granted_anomalies(*, site: str | None = None, since: dt.date | None = None) -> list[Anomaly]:
    """The granted ``in`` events that break a rule, each with its rule and holder, in time order."""
    params: dict[str, Any] = {"unknown": UNKNOWN_BADGE, "after_leaving": AFTER_LEAVING,
                              "no_authorisation": NO_AUTHORISATION, "outside_hours": OUTSIDE_HOURS,
                              "granted": True, "direction": "in"}  # fmt: skip
    where = ""
    if site:
        where += " AND e.site_id IN (SELECT id FROM inventory_site WHERE code = %(site)s)"
        params["site"] = site
    if since:
        where += " AND e.local_date >= %(since)s"
        params["since"] = connection.ops.adapt_datefield_value(since)
    with connection.cursor() as cursor:
        # SQLite has OFFSET only after a LIMIT (-1: none); PostgreSQL refuses a negative one.
        fence = "LIMIT -1 OFFSET 0" if connection.vendor == "sqlite" else "OFFSET 0"
        cursor.execute(GRANTED_SQL.format(where=where, fence=fence), params)
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (_instant(row[1]), row[0]))  # as the log was imported, for equal times
    return [Anomaly(_instant(at), *rest) for _id, at, *rest in rows]


FIELDS = ("at", "site__code", "zone__name", "door__name", "badge", "person_ref")


def repeated_denials(*, site: str | None = None, since: dt.date | None = None) -> Iterator[Anomaly]:
    """The third denial of each run of a badge within ``DENIAL_WINDOW`` of the run's first."""
    run: deque[dt.datetime] = deque()
    badge = None
    denied = _with_holder(_events(site, since).filter(granted=False)).order_by("badge", "at", "pk")
    # Fetched in one go, not through iterator(): on PostgreSQL that is a server-side cursor, planned to
    # return its first rows fast, i.e. by walking the (badge, at) index over every event (26 s instead of
    # 1 s at 10M events); the denials themselves are few.
    for row in denied.values_list(*FIELDS):
        if row[4] != badge:
            badge, run = row[4], deque()
        at = row[0]
        while run and at - run[0] > DENIAL_WINDOW:  # inclusive: exactly ten minutes still counts
            run.popleft()
        run.append(at)
        if len(run) >= DENIALS_IN_A_RUN:
            at, site_code, zone, door, badge_code, person = row
            yield Anomaly(at, site_code, zone, door, badge_code, person, REPEATED_DENIALS)
            run.clear()


def find_anomalies(*, site: str | None = None, since: dt.date | None = None) -> list[Anomaly]:
    """Every anomaly of the log (or of one site, from a local date on), in time order."""
    found = granted_anomalies(site=site, since=since)
    found.extend(repeated_denials(site=site, since=since))
    found.sort(key=lambda anomaly: (anomaly.at, anomaly.site, anomaly.badge, anomaly.rule))
    return found


def site_clocks() -> dict[str, zoneinfo.ZoneInfo]:
    from art28.inventory.models import Site

    return {site.code: site_zone(site) for site in Site.objects.all()}

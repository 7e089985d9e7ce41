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

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable, CombinedExpression
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from art28.inventory.timezones import site_zone
from art28.physical.models import Authorisation, BadgeEvent, BadgeHolding, Person

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


class WeekdayBit(Func):
    """``1 << weekday``: the bit of a weekday in an authorisation's ``days`` (Monday = bit 0)."""

    template = "(1 << %(expressions)s)"
    output_field = IntegerField()


def _days_include(bit: Any) -> CombinedExpression:
    """``days & bit``: non-zero when the authorisation's weekdays include that bit's day."""
    return CombinedExpression(F("days"), Combinable.BITAND, bit, output_field=IntegerField())


def _previous_weekday_bit(weekday: OuterRef) -> Case:
    """The bit of the day before (Sunday before Monday): after midnight a window belongs to it."""
    return Case(
        When(Exact(weekday, 0), then=Value(1 << 6)),
        default=WeekdayBit(weekday - 1),
        output_field=IntegerField(),
    )


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


def granted_anomalies(*, site: str | None = None, since: dt.date | None = None) -> QuerySet[BadgeEvent]:
    """The granted ``in`` events that break a rule, each annotated with ``rule`` and ``person_ref``."""
    covering = Authorisation.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=OuterRef("local_date")),
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=OuterRef("local_date")),
        person=OuterRef("person_id"), zone=OuterRef("zone_id"), valid_from__lte=OuterRef("local_date"),
    )  # fmt: skip
    today_bit = _days_include(WeekdayBit(OuterRef("local_weekday")))
    yesterday_bit = _days_include(_previous_weekday_bit(OuterRef("local_weekday")))
    minute = OuterRef("local_minute")
    allowing = covering.annotate(today=today_bit, yesterday=yesterday_bit).filter(
        Q(start_minute__isnull=True, today__gt=0)
        | Q(start_minute__lt=F("end_minute"), start_minute__lte=minute, end_minute__gt=minute, today__gt=0)
        | Q(start_minute__gt=F("end_minute"), start_minute__lte=minute, today__gt=0)
        | Q(start_minute__gt=F("end_minute"), end_minute__gt=minute, yesterday__gt=0)
    )
    events = (
        _with_holder(_events(site, since).filter(granted=True, direction="in"))
        .annotate(
            rule=Case(
                When(person_id__isnull=True, then=Value(UNKNOWN_BADGE)),
                When(left_on__lt=F("local_date"), then=Value(AFTER_LEAVING)),
                When(~Exists(covering), then=Value(NO_AUTHORISATION)),
                When(~Exists(allowing), then=Value(OUTSIDE_HOURS)),
                default=None,
                output_field=CharField(),
            )
        )
        .filter(rule__isnull=False)
    )
    return events


FIELDS = ("at", "site__code", "zone__name", "door__name", "badge", "person_ref")


def repeated_denials(*, site: str | None = None, since: dt.date | None = None) -> Iterator[Anomaly]:
    """The third denial of each run of a badge within ``DENIAL_WINDOW`` of the run's first."""
    run: deque[dt.datetime] = deque()
    badge = None
    denied = _with_holder(_events(site, since).filter(granted=False)).order_by("badge", "at", "pk")
    for row in denied.values_list(*FIELDS).iterator(chunk_size=2000):
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
    granted = granted_anomalies(site=site, since=since).values_list(*FIELDS, "rule")
    found = [Anomaly(*row) for row in granted.iterator(chunk_size=2000)]
    found.extend(repeated_denials(site=site, since=since))
    found.sort(key=lambda anomaly: (anomaly.at, anomaly.site, anomaly.badge, anomaly.rule))
    return found


def site_clocks() -> dict[str, zoneinfo.ZoneInfo]:
    from art28.inventory.models import Site

    return {site.code: site_zone(site) for site in Site.objects.all()}

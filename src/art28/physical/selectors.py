"""Reads of the physical-security pages (docs/physical.md, "Pages"): the sites with their zones, who may
enter each zone, when people enter (a heat-map by weekday and hour on the site's clock), a person's
badges, authorisations, events and reviews, and the public summary per datacenter (no names)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, Max, Q
from django.db.models.functions import Cast
from django.utils import timezone

from art28.inventory.models import Site
from art28.physical.models import AccessReview, Authorisation, BadgeEvent, Person, Zone
from art28.physical.reviews import active_authorisations, zone_review_states

HEAT_DAYS = 365
ANALYSED_DAYS = 31  # a log imported within this many days counts as analysed


@dataclass
class SiteSummary:
    site: Site
    zones: list[Zone] = field(default_factory=list)
    authorised_people: int = 0
    reviews_due: int = 0
    last_event_on: dt.date | None = None


def sites_overview(today: dt.date | None = None) -> list[SiteSummary]:
    """Every site that has zones, with its zones, how many people may enter, the reviews due and the last
    day of its badge log."""
    today = today or timezone.localdate()
    summaries: dict[int, SiteSummary] = {}
    for zone in Zone.objects.select_related("site").order_by("site__code", "-security_class", "name"):
        summaries.setdefault(zone.site_id, SiteSummary(zone.site)).zones.append(zone)
    people = (
        active_authorisations(today)
        .values("zone__site_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("zone__site_id", "n")
    )
    for site_id, n in people:
        if site_id in summaries:
            summaries[site_id].authorised_people = n
    for state in zone_review_states(today):
        if state.overdue(today) or state.next_due == today:
            summaries[state.zone.site_id].reviews_due += 1
    for site_id, last in (
        BadgeEvent.objects.values("site_id").annotate(last=Max("local_date")).values_list("site_id", "last")
    ):
        if site_id in summaries:
            summaries[site_id].last_event_on = last
    return list(summaries.values())


def zone_people(site: Site, today: dt.date | None = None) -> dict[int, list[Authorisation]]:
    """Per zone of the site, the authorisations not ended (who may enter, when), by person."""
    today = today or timezone.localdate()
    by_zone: dict[int, list[Authorisation]] = defaultdict(list)
    chosen = active_authorisations(today).filter(zone__site=site).select_related("person", "approved_by")
    for authorisation in chosen.order_by("person__ref", "valid_from"):
        by_zone[authorisation.zone_id].append(authorisation)
    return by_zone


@dataclass
class HeatMap:
    """Granted entries by weekday (Monday first) and hour of the site's clock."""

    counts: list[list[int]]
    total: int
    peak: int
    since: dt.date


def entry_heatmap(site: Site, today: dt.date | None = None, zone: Zone | None = None) -> HeatMap:
    """One query: the granted ``in`` events of the last year grouped by local weekday and hour."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=HEAT_DAYS)
    events = BadgeEvent.objects.filter(site=site, granted=True, direction="in", local_date__gte=since)
    if zone is not None:
        events = events.filter(zone=zone)
    rows = (
        events.annotate(hour=Cast("local_minute", IntegerField()) / 60)
        .values("local_weekday", "hour")
        .annotate(n=Count("pk"))
        .values_list("local_weekday", "hour", "n")
    )
    counts = [[0] * 24 for _ in range(7)]
    for weekday, hour, n in rows:
        counts[weekday][int(hour)] += n
    flat = [n for row in counts for n in row]
    return HeatMap(counts, sum(flat), max(flat), since)


def person_events(person: Person, limit: int = 200) -> list[BadgeEvent]:
    """The person's latest events, with any of the badges they held (at the time they held it)."""
    holdings = list(person.badges.all())
    if not holdings:
        return []
    held = Q()
    for holding in holdings:
        window = Q(badge=holding.badge, local_date__gte=holding.held_from)
        if holding.held_until:
            window &= Q(local_date__lte=holding.held_until)
        held |= window
    return list(BadgeEvent.objects.filter(held).select_related("site", "zone", "door").order_by("-at")[:limit])


def person_reviews(person: Person) -> list[tuple[AccessReview, str, str]]:
    """(review, zone, decision) of every review that listed one of the person's authorisations."""
    from art28.physical.models import ReviewItem

    items = ReviewItem.objects.filter(authorisation__person=person).select_related(
        "review__site", "authorisation__zone"
    )
    return [
        (i.review, i.authorisation.zone.name, i.get_decision_display()) for i in items.order_by("-review__started_at")
    ]


@dataclass(frozen=True)
class PublicSite:
    """What the trust center and the portal show of a datacenter: no name of anyone."""

    site: Site
    zones_by_class: dict[int, int]
    last_review_on: dt.date | None
    log_analysed: bool


def public_sites(site_ids: list[int] | None = None, today: dt.date | None = None) -> list[PublicSite]:
    """Per site with zones (or of these sites): its zones counted by security class, the date of its last
    completed access review, and whether its badge log is analysed (events imported within a month)."""
    today = today or timezone.localdate()
    zones = Zone.objects.select_related("site")
    if site_ids is not None:
        zones = zones.filter(site_id__in=site_ids)
    by_site: dict[int, tuple[Site, dict[int, int]]] = {}
    for zone in zones.order_by("site__code"):
        _site, classes = by_site.setdefault(zone.site_id, (zone.site, defaultdict(int)))
        classes[zone.security_class] += 1
    last_review: dict[int, dt.date] = {}
    for review in AccessReview.objects.filter(completed_at__isnull=False, site_id__in=list(by_site)):
        day = timezone.localtime(review.completed_at).date() if review.completed_at else None
        if day and (review.site_id not in last_review or day > last_review[review.site_id]):
            last_review[review.site_id] = day
    recent = set(
        BadgeEvent.objects.filter(site_id__in=list(by_site), local_date__gte=today - dt.timedelta(days=ANALYSED_DAYS))
        .values_list("site_id", flat=True)
        .distinct()
    )
    return [
        PublicSite(site, dict(sorted(classes.items())), last_review.get(site_id), site_id in recent)
        for site_id, (site, classes) in by_site.items()
    ]

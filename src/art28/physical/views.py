"""Staff pages of physical security (``/staff/physical/…``; S5, docs/physical.md "Pages"): the sites with
their zones and reports, one site with who may enter each zone and a heat-map of entries, the anomalies
with filters (each offering to declare an incident), and a person's page. Every staff role reads."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from art28.core.access import BREACH_WRITERS, PHYSICAL_READERS, PHYSICAL_WRITERS
from art28.core.auth import request_user, role_required
from art28.inventory.models import Site
from art28.physical.anomalies import RULE_LABELS, Anomaly, find_anomalies, site_clocks
from art28.physical.charts import heat_cells
from art28.physical.forms import AnomalyFilterForm
from art28.physical.models import Authorisation, Person, Zone
from art28.physical.reviews import leavers_with_access, overdue_reviews, unused_authorisations, zone_review_states
from art28.physical.schedule import format_days, format_hours
from art28.physical.selectors import entry_heatmap, person_events, person_reviews, sites_overview, zone_people

reader = role_required(*PHYSICAL_READERS)
PAGE_SIZE = 100
DEFAULT_ANOMALY_DAYS = 30


def _window(authorisation: Authorisation) -> str:
    days = format_days(authorisation.days) or _("every day")
    hours = format_hours(authorisation.start_minute, authorisation.end_minute) or _("any hour")
    return f"{days}, {hours}"


@reader
def sites(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "physical/sites.html", {
        "sites": sites_overview(today),
        "overdue_reviews": overdue_reviews(today).select_related("site", "zone"),
        "unused": unused_authorisations(today).order_by("zone__site__code", "zone__name", "person__ref")[:200],
        "leavers": leavers_with_access(today).order_by("person__ref"),
        "current": "sites",
    })  # fmt: skip


@reader
def site(request: HttpRequest, code: str) -> HttpResponse:
    found = get_object_or_404(Site, code=code)
    zones = list(Zone.objects.filter(site=found).prefetch_related("assets").order_by("-security_class", "name"))
    if not zones:
        raise Http404("No zones at this site")
    today = timezone.localdate()
    people = zone_people(found, today)
    states = {s.zone.pk: s for s in zone_review_states(today, site=found)}
    rows = [(z, [(a, _window(a)) for a in people.get(z.pk, [])], states.get(z.pk)) for z in zones]
    heat = entry_heatmap(found, today)
    return render(request, "physical/site.html", {
        "site": found, "rows": rows, "heat": heat, "cells": heat_cells(heat), "today": today, "current": "sites",
        "can_review": request_user(request).role in PHYSICAL_WRITERS,
    })  # fmt: skip


def _declare_link(anomaly: Anomaly, zone_assets: dict[tuple[str, str], list[str]]) -> str:
    """The breach declaration prefilled from the anomaly: scoped to the zone's assets when the zone names
    them (zones.csv ``assets``), else to its site; a person reviews and declares (GDPR Art. 33(2))."""
    scope = (
        {"assets": ",".join(refs)}
        if (refs := zone_assets.get((anomaly.site, anomaly.zone)))
        else {"sites": anomaly.site}
    )
    query = urlencode({
        "title": f"Physical access anomaly at {anomaly.site}/{anomaly.zone}: {anomaly.rule}",
        "description": (f"Badge {anomaly.badge} ({anomaly.person or 'no holder'}) at door {anomaly.door} of "
                        f"{anomaly.site}, zone {anomaly.zone}, on {anomaly.at.isoformat()}: {anomaly.rule}."),
        **scope,
    })  # fmt: skip
    return f"{reverse('breaches:declare')}?{query}"


def _zone_assets() -> dict[tuple[str, str], list[str]]:
    refs: dict[tuple[str, str], list[str]] = {}
    for site, zone, ref in Zone.assets.through.objects.values_list("zone__site__code", "zone__name", "asset__ref"):
        refs.setdefault((site, zone), []).append(ref)
    return refs


@reader
def anomalies(request: HttpRequest) -> HttpResponse:
    form = AnomalyFilterForm(request.GET or None)
    since = timezone.localdate() - dt.timedelta(days=DEFAULT_ANOMALY_DAYS)
    site_code = rule = None
    if form.is_valid():
        since = form.cleaned_data["since"] or since
        site_code, rule = form.cleaned_data["site"] or None, form.cleaned_data["rule"] or None
    found = [a for a in find_anomalies(site=site_code, since=since) if rule is None or a.rule == rule]
    found.reverse()  # the latest first
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    can_declare = request_user(request).role in BREACH_WRITERS
    clocks = site_clocks()  # each anomaly's time on its site's clock, as the rules read it
    zone_assets = _zone_assets() if can_declare else {}
    rows = [(a, a.at.astimezone(clocks[a.site]), RULE_LABELS[a.rule],
             _declare_link(a, zone_assets) if can_declare else None) for a in page.object_list]  # fmt: skip
    return render(request, "physical/anomalies.html", {
        "form": form, "page": page, "rows": rows, "since": since, "total": len(found), "current": "anomalies",
    })  # fmt: skip


@reader
def person(request: HttpRequest, ref: str) -> HttpResponse:
    found = get_object_or_404(Person.objects.select_related("escort", "user"), ref=ref)
    authorisations = found.authorisations.select_related("zone__site", "approved_by").order_by("-valid_from")
    return render(request, "physical/person.html", {
        "person": found,
        "badges": found.badges.order_by("-held_from"),
        "authorisations": [(a, _window(a)) for a in authorisations],
        "events": person_events(found),
        "reviews": person_reviews(found),
        "today": timezone.localdate(),
        "current": "sites",
    })  # fmt: skip

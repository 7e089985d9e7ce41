"""Staff pages of security updates (S7): the fleet's exposures, one host, one CVE (docs/patching.md)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from art28.core.access import BREACH_WRITERS
from art28.core.auth import request_user, staff_required
from art28.inventory.models import Service, Site
from art28.patching.charts import exposure_chart, time_to_patch_chart
from art28.patching.exposure import iter_exposures
from art28.patching.figures import patch_record
from art28.patching.models import SEVERITY_ORDER, Severity
from art28.patching.selectors import (
    FleetFilter,
    advisories_of,
    customers_on,
    fleet_exposures,
    host_by_ref,
    installed_packages,
    upgrades_of,
    vulnerability_by_cve,
)

PAGE_SIZE = 100


@staff_required
def fleet(request: HttpRequest) -> HttpResponse:
    filters = FleetFilter(
        severity=request.GET.get("severity", "") if request.GET.get("severity", "") in SEVERITY_ORDER else "",
        q=request.GET.get("q", "")[:100],
        site=request.GET.get("site", "")[:64],
        service=request.GET.get("service", "")[:200],
        customer=request.GET.get("customer", "")[:64],
    )
    result = fleet_exposures(filters)
    page = Paginator(result.exposures, PAGE_SIZE).get_page(request.GET.get("page"))
    record = patch_record()
    return render(
        request,
        "patching/fleet.html",
        {
            "filters": filters,
            "fleet": result,
            "page": page,
            "severities": [(s, Severity(s).label) for s in SEVERITY_ORDER],
            "tiles": [(s, Severity(s).label, result.by_severity[s]) for s in SEVERITY_ORDER],
            "sites": Site.objects.order_by("code"),
            "services": Service.objects.order_by("name"),
            "now": timezone.now(),
            "record": record,
            "exposure_chart": exposure_chart(),
            "chart": time_to_patch_chart(record),
        },
    )


@staff_required
def host(request: HttpRequest, ref: str) -> HttpResponse:
    asset = host_by_ref(ref)
    return render(
        request,
        "patching/host.html",
        {
            "host": asset,
            "exposures": list(iter_exposures(host=asset.ref)),
            "packages": installed_packages(asset),
            "upgrades": upgrades_of(asset),
            "customers": customers_on([asset.pk]),
            "now": timezone.now(),
        },
    )


@staff_required
def cve(request: HttpRequest, cve: str) -> HttpResponse:
    vulnerability = vulnerability_by_cve(cve)
    exposures = list(iter_exposures(cve=vulnerability.cve))
    declare_query = urlencode(
        {
            "title": gettext("Exposure to %(cve)s") % {"cve": vulnerability.cve},
            "assets": ",".join(sorted({e.host for e in exposures})),
            "description": vulnerability.description[:2000],
        }
    )
    return render(
        request,
        "patching/cve.html",
        {
            "vulnerability": vulnerability,
            "advisories": advisories_of(vulnerability),
            "exposures": exposures,
            "customers": customers_on(e.host_id for e in exposures),
            "now": timezone.now(),
            "declare_query": declare_query,
            "can_declare": request_user(request).role in BREACH_WRITERS,
        },
    )

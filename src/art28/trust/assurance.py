"""``/trust/security-testing/``: the provider's intrusion tests and isolation probes, fleet-wide (S6;
docs/assurance.md): the cadence it promises, each service's last test (date, kind, tester, independent
or not), that test's findings counted by severity and status (never their details), and the latest
isolation run's counts. Cached like the trust center's other pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from art28.assurance.models import FindingStatus
from art28.assurance.pentest_selectors import (
    count_grid,
    fleet_finding_counts,
    latest_isolation,
    service_test_summaries,
)
from art28.trust.cache import cached_response
from art28.trust.views import page_context, page_language


@page_language
def security_testing(request: HttpRequest, *, language: str, from_url: bool) -> HttpResponse:
    def build() -> tuple[bytes, str]:
        today = timezone.localdate()
        counts = fleet_finding_counts(today)
        context = page_context("trust:security_testing") | {
            "months": settings.ART28_PENTEST_CADENCE_MONTHS,
            "services": [(s, s.overdue(today)) for s in service_test_summaries(None, today)],
            "grid": count_grid(counts),
            "statuses": FindingStatus.choices,
            "isolation": latest_isolation(),
        }
        return render_to_string("trust/security_testing.html", context).encode(), "text/html; charset=utf-8"

    return cached_response(request, page="security-testing", language=language, build=build, vary=not from_url)

"""Intrusion tests of the services the customer uses (S6; docs/assurance.md): when each was last tested,
by whom (independent or not), and its findings by severity and status, with no detail (a finding's title
or assets would tell one customer about another's systems). Only the user's own organisation."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from art28.assurance.models import FindingStatus
from art28.assurance.pentest_selectors import count_grid, latest_isolation, service_test_summaries
from art28.core.auth import customer_required
from art28.inventory.selectors import organisation_service_ids
from art28.portal.views import _organisation


@customer_required
def intrusion_tests_page(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    today = timezone.localdate()
    summaries = service_test_summaries(organisation_service_ids(organisation), today)
    rows = [(summary, summary.overdue(today), count_grid(summary.counts)) for summary in summaries]
    return render(
        request,
        "portal/intrusion_tests.html",
        {
            "organisation": organisation,
            "rows": rows,
            "statuses": FindingStatus.choices,
            "default_months": settings.ART28_PENTEST_CADENCE_MONTHS,
            # The latest isolation run: its counts, and those of the pairs aimed at this customer's resources.
            "isolation": latest_isolation(organisation.ref),
        },
    )

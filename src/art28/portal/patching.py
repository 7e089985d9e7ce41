"""The provider's security-update record for the customer (S7): time-to-patch per severity over the hosts
that hold the organisation's data, and any critical fix overdue there (docs/patching.md). Only the
user's own organisation; no host is named."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from art28.core.auth import customer_required
from art28.core.service_levels import service_levels
from art28.patching.charts import time_to_patch_chart
from art28.patching.selectors import customer_patch_record
from art28.portal.views import _organisation


@customer_required
def patching_page(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    record = customer_patch_record(organisation)
    return render(
        request,
        "portal/patching.html",
        {
            "organisation": organisation,
            "record": record,
            "any_remediation": any(figures.count for figures in record["severities"]),
            "levels": service_levels(),
            "chart": time_to_patch_chart(record),
        },
    )

"""The provider's controls that concern the customer (S2; docs/evidence.md, "The portal"): each control of
the services its data uses (and those of every service), with its status and the age of its evidence;
no reasons and no evidence item (they may name other customers' incidents or requests). Only the user's
own organisation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from art28.core.auth import customer_required
from art28.evidence.models import Evidence
from art28.evidence.selectors import customer_controls, status_counts
from art28.inventory.selectors import organisation_service_ids
from art28.portal.views import _organisation


@customer_required
def controls_page(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    today = timezone.localdate()
    statuses = customer_controls(organisation_service_ids(organisation), today)
    counts = status_counts(statuses)
    return render(
        request,
        "portal/controls.html",
        {
            "organisation": organisation,
            "rows": [(s, s.age_days(today)) for s in statuses],
            "counts": {status.replace("-", "_"): n for status, n in counts.items()},
            # Evidence about this customer alone (its attestations, the requests forwarded to it): its pack.
            "own_evidence": Evidence.objects.filter(organisation=organisation).count(),
        },
    )

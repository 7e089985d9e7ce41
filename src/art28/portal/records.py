"""The customer's record of processing (GDPR Art. 30(2), nFADP Art. 12) and its responsibility matrix (S9).

Only the user's own organisation: the organisation comes from the logged-in user, never from the URL, so
there is no way to ask for another organisation's record.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from art28.core.auth import customer_required
from art28.portal.views import _organisation
from art28.records.exports import FORMATS
from art28.records.generation import controller_record
from art28.records.selectors import matrix_for_organisation
from art28.records.views import record_download


@customer_required
def records_page(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    return render(
        request,
        "portal/records.html",
        {"organisation": organisation, "record": controller_record(organisation)},
    )


@customer_required
def record_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("unknown format")
    return record_download(_organisation(request), fmt)


@customer_required
def responsibilities_page(request: HttpRequest) -> HttpResponse:
    """For each service the customer uses, the two columns: what it does, what the provider does."""
    organisation = _organisation(request)
    return render(
        request,
        "portal/responsibilities.html",
        {"organisation": organisation, "matrix": matrix_for_organisation(organisation)},
    )

"""The staff header's search: customers, assets, incidents, DPO requests and sub-processors at once.

Each kind is searched through its own app's selector and shows its first few matches with links.
DPO requests hold personal data: only the DPO desk's readers find them (GDPR Art. 38(5), 39;
nFADP Art. 10(3); the role sets in art28/core/access.py), and only by reference.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from art28.breaches.selectors import incidents
from art28.core.access import DPO_READERS
from art28.core.auth import staff_required
from art28.dpo.selectors import requests_with_reference
from art28.inventory.selectors import asset_search, customer_search
from art28.subprocessors.selectors import subprocessor_search

RESULTS_PER_KIND = 5
# Shorter queries match nearly everything and say nothing.
MIN_QUERY_LENGTH = 2


@staff_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    context: dict[str, object] = {"query": query, "too_short": 0 < len(query) < MIN_QUERY_LENGTH}
    if len(query) >= MIN_QUERY_LENGTH:
        dpo_reader = getattr(request.user, "role", "") in DPO_READERS
        context |= {
            "customers": list(customer_search(query)[:RESULTS_PER_KIND]),
            "assets": list(asset_search(ref=query)[:RESULTS_PER_KIND]),
            "incidents": list(incidents(query=query)[:RESULTS_PER_KIND]),
            "dpo_reader": dpo_reader,
            "dpo_requests": list(requests_with_reference(query)[:RESULTS_PER_KIND]) if dpo_reader else [],
            "subprocessors": list(subprocessor_search(query)[:RESULTS_PER_KIND]),
        }
    return render(request, "staff/search.html", context)

"""Staff pages on customers: the list, and one customer's residency as the customer sees it.

They sit under /staff/inventory/customers/ with the other inventory pages, but live here because
they show residency (policy, findings, the diagram), which the inventory app may not import.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from art28.core.auth import staff_required
from art28.inventory.selectors import customer_by_ref, customer_placement_counts, customer_search
from art28.portal.residency_page import residency_page_context
from art28.residency.selectors import attestations_for_organisation, organisation_residency

CUSTOMERS_PER_PAGE = 50


@staff_required
def customer_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    page = Paginator(customer_search(query), CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    counts = customer_placement_counts(organisation_ids=[org.pk for org in page.object_list])
    return render(
        request,
        "staff/customer_list.html",
        {"page": page, "query": query, "rows": [(org, counts.get(org.pk, 0)) for org in page.object_list]},
    )


@staff_required
def customer_detail(request: HttpRequest, ref: str) -> HttpResponse:
    organisation = customer_by_ref(ref)
    residency = organisation_residency(organisation)
    context = residency_page_context(residency, page=request.GET.get("page"), id_prefix=f"customer-{organisation.pk}")
    return render(
        request,
        "staff/customer_detail.html",
        context
        | {
            "organisation": organisation,
            "users": organisation.users.order_by("email"),
            "attestations": attestations_for_organisation(organisation)[:5],
        },
    )

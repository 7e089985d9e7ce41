"""Staff pages on customers: the list, and one customer's residency as the customer sees it.

They sit under /staff/inventory/customers/ with the other inventory pages, but live here because
they show residency (policy, findings, the diagram), which the inventory app may not import.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from art28.core.auth import staff_required
from art28.core.listing import Column, csv_response, sort_state, wants_csv
from art28.inventory.selectors import customer_by_ref, customer_placement_counts, customer_search
from art28.portal.residency_page import residency_page_context
from art28.residency.selectors import attestations_for_organisation, organisation_residency

CUSTOMERS_PER_PAGE = 50
CUSTOMER_COLUMNS = (
    Column("name", _("Name"), ("name",)),
    Column("ref", _("Reference"), ("ref",)),
    Column("country", _("Country"), ("country",)),
    Column("language", _("Language"), ("language",)),
)


@staff_required
def customer_list(request: HttpRequest) -> HttpResponseBase:
    query = request.GET.get("q", "").strip()
    sort = sort_state(request, CUSTOMER_COLUMNS)
    customers = sort.order(customer_search(query))
    if wants_csv(request):
        return csv_response(
            "customers.csv",
            [_("Name"), _("Reference"), _("Country"), _("Language"), _("Allowed countries")],
            customers,
            lambda org: [
                org.name,
                org.ref,
                org.country,
                org.get_language_display(),
                ", ".join(org.allowed_country_list),
            ],
        )
    page = Paginator(customers, CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    counts = customer_placement_counts(organisation_ids=[org.pk for org in page.object_list])
    return render(
        request,
        "staff/customer_list.html",
        {
            "page": page,
            "query": query,
            "sort": sort.header(),
            "rows": [(org, counts.get(org.pk, 0)) for org in page.object_list],
        },
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

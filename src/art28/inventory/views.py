"""Staff pages on the inventory."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from art28.core.auth import staff_required
from art28.inventory.selectors import site_overview


@staff_required
def site_list(request: HttpRequest) -> HttpResponse:
    return render(request, "inventory/site_list.html", {"sites": site_overview()})

"""Customer-facing pages. Every read goes through a selector scoped to the user's organisation."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from art28.core.auth import customer_required


@customer_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {})


@customer_required
def attestations(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/attestations.html", {})

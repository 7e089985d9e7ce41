"""Staff pages: the residency audit."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from art28.core.auth import staff_required
from art28.residency.engine import run_audit


@staff_required
def audit_page(request: HttpRequest) -> HttpResponse:
    return render(request, "residency/audit.html", {"violations": run_audit()})

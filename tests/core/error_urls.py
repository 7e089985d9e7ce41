"""The site's URLconf plus two pages that fail, for the 500-page tests (tests/core/test_error_pages.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from art28.core.models import Organisation
from art28.urls import handler400, handler403, handler404, handler500
from art28.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


def needs_the_database(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(Organisation.objects.count()))


urlpatterns = [
    path("test-errors/fails/", fails),
    path("test-errors/needs-the-database/", needs_the_database),
    *site_urlpatterns,
]

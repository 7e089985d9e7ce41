"""The error pages (registered as ``handler400/403/404/500`` in ``art28.urls``).

Each page says what happened in the visitor's language and offers a way back: the home of their side
(the portal for customers, the dashboard for staff, the trust center for the public) and the page they
came from. A 403 names the roles that may open the page, read from the role table (``core.access``), so
the visitor knows whom to ask. The API (``/api/``) keeps answering JSON.

The 403 and 404 pages extend the site's layout. The 400 and 500 pages do not: they are rendered
without the request's context processors, the session or the database, since any of those may be what
failed (a 500 page that needs the database would itself fail when the database is down).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from art28.core.access import url_roles
from art28.core.roles import Role

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

# Last resort if even the static-safe template cannot be rendered (a broken template or storage).
BARE_500 = (
    '<!doctype html><html><head><meta charset="utf-8"><title>Server error</title></head>'
    "<body><h1>Server error</h1><p>Something went wrong on our side.</p>"
    '<p><a href="/">Home</a></p></body></html>'
)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _api_error(detail: str, status: int) -> JsonResponse:
    """The API's error shape (django-ninja's ``{"detail": …}``), so clients parse every error alike."""
    return JsonResponse({"detail": detail}, status=status)


def roles_needed(request: HttpRequest) -> list[str]:
    """The human labels of the roles that may open the page the request asked for, in the role
    table's order (``core.access.url_roles`` of the resolver match's URL name); empty if unknown."""
    match = getattr(request, "resolver_match", None)
    if match is None or not match.view_name:
        return []
    try:
        allowed = url_roles(match.view_name)
    except KeyError:
        return []
    return [str(role.label) for role in Role if role.value in allowed]


def home_of_side(request: HttpRequest) -> str:
    """Customers go back to the portal, staff to the dashboard, the public to the trust center."""
    user = getattr(request, "user", None)
    name = "trust:index"
    if user is not None and user.is_authenticated:
        if getattr(user, "is_customer", False):
            name = "portal:home"
        elif getattr(user, "is_staff", False):
            name = "staff:dashboard"
    try:
        return reverse(name)
    except NoReverseMatch:
        return "/"


def previous_page(request: HttpRequest) -> str | None:
    """The page the visitor came from (``Referer``), if it is on this site and not the failing page."""
    referer = request.headers.get("referer", "")
    if not referer:
        return None
    try:
        host = request.get_host()
    except Exception:  # a disallowed Host (the 400 page): no safe way to tell our pages apart
        return None
    if not url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return None
    if referer == request.build_absolute_uri():
        return None
    return referer


def _ways_back(request: HttpRequest) -> dict[str, Any]:
    return {"home_url": home_of_side(request), "previous_url": previous_page(request)}


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error("Bad Request", 400)
    # The request itself is suspect (a forged Host, a broken cookie): the static-safe page, no context.
    return _static_page("errors/400.html", {"home_url": "/", "previous_url": None}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error("Forbidden", 403)
    user = getattr(request, "user", None)
    context = {
        **_ways_back(request),
        "roles_needed": roles_needed(request),
        "your_role": user.get_role_display() if user is not None and user.is_authenticated else "",
    }
    return HttpResponse(loader.render_to_string("errors/403.html", context, request), status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form without a valid token is refused (403) on a page that says why and that
    nothing changed, instead of Django's technical page."""
    if _is_api(request):
        return _api_error("CSRF verification failed", 403)
    return HttpResponse(loader.render_to_string("errors/403_csrf.html", _ways_back(request), request), status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error("Not Found", 404)
    context = {**_ways_back(request), "request_path": request.path}
    return HttpResponse(loader.render_to_string("errors/404.html", context, request), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _api_error("Internal Server Error", 500)
    # No request context: no context processor, session, user or database query may run here.
    # "/" sends each visitor to their side (or to the login) once the site works again.
    context = {"home_url": "/", "previous_url": previous_page(request)}
    return _static_page("errors/500.html", context, status=500)


def _static_page(template: str, context: dict[str, Any], *, status: int) -> HttpResponse:
    context = {"provider_name": settings.ART28_PROVIDER_NAME, "title": _page_title(status), **context}
    body: str
    try:
        body = loader.render_to_string(template, context)
    except Exception:
        logger.exception("the %s error page could not be rendered; sending the bare one", status)
        body = BARE_500
    return HttpResponse(body, status=status)


def _page_title(status: int) -> str:
    return {400: _("Bad request"), 500: _("Server error")}.get(status, "")

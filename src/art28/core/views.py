"""The landing redirect and the admin-site gate."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from art28.core.roles import Role


def admin_site_permission(request: HttpRequest) -> bool:
    """Django's admin is for the provider's administrators only (raw tables, no role nuance)."""
    return bool(request.user.is_active and getattr(request.user, "role", None) == Role.ADMIN)


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login("/")
    if request.user.is_customer:
        return redirect("portal:home")
    return redirect("staff:dashboard")

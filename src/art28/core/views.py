"""The landing redirect, the admin-site gate, and each user's API tokens."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.forms import ApiTokenCreateForm
from art28.core.middleware import staff_needs_mfa
from art28.core.models import User
from art28.core.roles import Role
from art28.core.selectors import api_token_for_user, api_tokens_for_user
from art28.core.services import api_token_create, api_token_revoke


def admin_site_permission(request: HttpRequest) -> bool:
    """Django's admin is for the provider's administrators only (raw tables, no role nuance)."""
    return bool(request.user.is_active and getattr(request.user, "role", None) == Role.ADMIN)


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login("/")
    if request.user.is_customer:
        return redirect("portal:home")
    return redirect("staff:dashboard")


def _token_gate(request: HttpRequest) -> HttpResponse | None:
    """Log in first; staff who still owe a second factor enrol it before holding an API token,
    since a token would otherwise reach the API without the MFA that the pages require."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if staff_needs_mfa(request.user):
        return redirect("mfa_activate_totp")
    return None


def api_tokens(request: HttpRequest) -> HttpResponse:
    if (gate := _token_gate(request)) is not None:
        return gate
    user = cast(User, request.user)
    form = ApiTokenCreateForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = api_token_create(actor=user, user=user, name=form.cleaned_data["name"])
        form = ApiTokenCreateForm()
    response = render(
        request,
        "core/api_tokens.html",
        {"form": form, "tokens": api_tokens_for_user(user), "secret": secret},
        status=400 if form.errors else 200,
    )
    # The secret is in this page only: rendered, not redirected to, so it is never stored anywhere.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    if (gate := _token_gate(request)) is not None:
        return gate
    user = cast(User, request.user)
    token = api_token_for_user(user, token_id)
    if token is None:
        raise Http404("No such token")
    if token.revoked_at is None:
        api_token_revoke(actor=user, token=token)
        messages.success(request, _("Token “%(name)s” revoked; it no longer works.") % {"name": token.name})
    return redirect("api_tokens")

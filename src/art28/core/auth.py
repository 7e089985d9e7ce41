"""Authentication glue: no self-service sign-up, role checks for views, token auth for the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from art28.core.models import ApiToken, User
from art28.core.roles import STAFF_ROLES, Role


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by the provider's staff (or the import), never by strangers.
        return False


# Any view: a page, a redirect, or a streamed download (StreamingHttpResponse); the decorator keeps its type.
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def request_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind ``role_required`` (or ``customer_required``), typed as ours."""
    user = request.user
    assert isinstance(user, User), "the view's decorator lets only logged-in users through"
    return user


def role_required(*roles: Role | str) -> Callable[[View], View]:
    """Let through only logged-in users holding one of ``roles``; others get a 403 (or the login page)."""
    allowed = {str(r) for r in roles}

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in allowed:
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        # Read back by the role-table test (tests/access/): the roles this view lets through.
        wrapped.allowed_roles = frozenset(allowed)  # type: ignore[attr-defined]
        return cast(View, wrapped)

    return decorator


staff_required = role_required(*STAFF_ROLES)
customer_required = role_required(Role.CUSTOMER_ADMIN, Role.CUSTOMER_VIEWER)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer art28_…``: a per-user token; the user's role and organisation apply."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = ApiToken.find_active(token)
        if api_token is None:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


class StaffMfaSessionAuth(SessionAuth):
    """Session auth for the API that also honours the staff-MFA rule of the web pages."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        from art28.core.middleware import staff_needs_mfa

        user = super().authenticate(request, key)
        if user is not None and staff_needs_mfa(user):
            return None
        return user

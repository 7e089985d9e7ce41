"""Staff must use a second factor (TOTP) before reaching any page but the enrolment ones."""

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Pages a staff member without TOTP may still reach: enrolment, logout, static files, the public side.
OPEN_PREFIXES = (
    "/accounts/",
    "/static/",
    "/trust/",
    "/en/trust/",
    "/fr/trust/",
    "/de/trust/",
    "/it/trust/",
    "/.well-known/",
    "/i18n/",
    "/api/",
)


def staff_needs_mfa(user: object) -> bool:
    return bool(
        settings.ART28_STAFF_MFA_REQUIRED
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_staff", False)
        and not is_mfa_enabled(user)
    )


class StaffMfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The path first: the public pages must not load the session (that would add "Vary: Cookie").
        if not request.path.startswith(OPEN_PREFIXES) and staff_needs_mfa(request.user):
            return redirect("mfa_activate_totp")
        return self.get_response(request)

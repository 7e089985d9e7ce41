"""What every app's ninja router needs: the authenticated user, the caller's organisation, and a
service call whose rule violations become HTTP errors (422 with field and message, 403)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja.errors import HttpError

from art28.core.models import Organisation, User
from art28.core.selectors import organisation_for_user
from art28.core.validation import validation_text


def api_user(request: HttpRequest) -> User:
    """The user the API authenticated (token or staff session); the routers' auth guarantees one."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def api_organisation(request: HttpRequest) -> Organisation:
    """The caller's own organisation: the only scope of the customer (``/my/``) endpoints."""
    try:
        return organisation_for_user(api_user(request))
    except PermissionError as exc:
        raise HttpError(403, "this endpoint is for customer users") from exc


def require_staff(request: HttpRequest, what: str) -> None:
    """403 unless the caller is on the provider's staff; ``what`` says what is staff-only ("the residency
    audit", "the fleet's exposure" …)."""
    if not api_user(request).is_staff:
        raise HttpError(403, f"{what}: for the provider's staff only")


def call_service(action: Any, **kwargs: Any) -> Any:
    """Run a service: a broken rule is a 422 naming the field, a refused actor a 403."""
    try:
        return action(**kwargs)
    except ValidationError as exc:
        raise HttpError(422, validation_text(exc)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc

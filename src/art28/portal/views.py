"""Customer-facing pages. The organisation always comes from the logged-in user, never from the URL,
and every read goes through a selector scoped to it, so another organisation's id gives a 404."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.auth import customer_required, request_user
from art28.core.countries import country_name
from art28.core.models import Organisation
from art28.core.roles import Role
from art28.core.selectors import organisation_for_user
from art28.core.signing import SigningKeyMissing
from art28.portal.attention import attention_items
from art28.portal.residency_page import residency_page_context
from art28.residency.models import Attestation
from art28.residency.moment import MomentRefused, as_of, picker_bounds, requested_moment
from art28.residency.selectors import (
    attestation_for_organisation,
    attestations_for_organisation,
    organisation_residency,
)
from art28.residency.services import AttestationRefused, attestation_issue

ATTESTATIONS_PER_PAGE = 50


def _organisation(request: HttpRequest) -> Organisation:
    """The user's own organisation; also switches to the user's language unless they picked one."""
    user = request_user(request)
    if not request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) and user.language:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
    return organisation_for_user(user)


@customer_required
def home(request: HttpRequest) -> HttpResponse:
    """Where the organisation's data is; ``?at=`` where it was then (from the inventory's history), for
    the user's own organisation only, like everything here."""
    organisation = _organisation(request)
    attention = {"attention": attention_items(organisation), "today": timezone.localdate()}
    at_text = request.GET.get("at", "").strip()
    bounds = picker_bounds(query=bool(at_text))
    first = dt.date.fromisoformat(bounds["min"]) if "min" in bounds else None
    picker = {"organisation": organisation, "at_value": at_text[:40], "at_bounds": bounds, "history_first": first}
    try:
        moment = requested_moment(at_text)
    except MomentRefused as refused:
        return render(request, "portal/home.html", attention | picker | {"at_error": str(refused)}, status=400)
    with as_of(moment):
        residency = organisation_residency(organisation, at=moment)
        context = residency_page_context(residency, page=request.GET.get("page"))
    return render(request, "portal/home.html", context | attention | picker | {"moment": moment})


@customer_required
def attestations(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    can_issue = request_user(request).role == Role.CUSTOMER_ADMIN
    page = Paginator(attestations_for_organisation(organisation), ATTESTATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/attestations.html",
        {
            "organisation": organisation,
            "page": page,
            "rows": [
                (attestation, [f"{country_name(c)} ({c})" for c in attestation.countries.split(";") if c])
                for attestation in page.object_list
            ],
            "can_issue": can_issue,
            "at_bounds": picker_bounds() if can_issue else {},
        },
    )


@customer_required
@require_POST
def issue_attestation(request: HttpRequest) -> HttpResponse:
    """Sign an attestation as of now, or of the past day in ``at`` (from the inventory's history)."""
    organisation = _organisation(request)
    if request_user(request).role != Role.CUSTOMER_ADMIN:
        raise PermissionDenied(_("Only your organisation's administrators can issue attestations."))
    try:
        moment = requested_moment(request.POST.get("at", ""))
        attestation = attestation_issue(actor=request_user(request), organisation=organisation, at=moment)
    except MomentRefused as refused:
        messages.error(request, str(refused))
        return redirect("portal:attestations")
    except AttestationRefused:  # requested_moment checked the same bounds; a race with the clock at most
        messages.error(request, _("This moment cannot be attested: choose a day up to today."))
        return redirect("portal:attestations")
    except SigningKeyMissing:
        messages.error(request, _("The provider has no signing key yet; please contact the provider."))
        return redirect("portal:attestations")
    messages.success(
        request,
        _("Attestation issued as of %(as_of)s.")
        % {"as_of": date_format(timezone.localtime(attestation.as_of), "DATETIME_FORMAT")},
    )
    return redirect("portal:attestations")


def _download(attestation: Attestation, content: bytes | str, extension: str, content_type: str) -> HttpResponse:
    filename = f"attestation-{slugify(attestation.organisation.ref)}-{attestation.as_of:%Y%m%d-%H%M%S}.{extension}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@customer_required
def attestation_json(request: HttpRequest, public_id: UUID) -> HttpResponse:
    attestation = attestation_for_organisation(_organisation(request), public_id)
    # The stored document, byte for byte: the signature covers its payload.
    return _download(attestation, attestation.document, "json", "application/json; charset=utf-8")


@customer_required
def attestation_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    attestation = attestation_for_organisation(_organisation(request), public_id)
    from art28.residency.pdf import attestation_pdf as render_pdf  # WeasyPrint is heavy: load it on demand

    return _download(attestation, render_pdf(attestation), "pdf", "application/pdf")

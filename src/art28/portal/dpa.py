"""The customer's DPA (GDPR Art. 28(3), (9); nFADP Art. 9): preview, PDF, and the countersignature by a
customer administrator, bound to the SHA-256 of the exact PDF bytes the signer saw.

The DPA is in the organisation's language; ``?lang=`` shows (and the PDF link and the countersignature
keep) another language the DPA's text exists in. The acceptance records the language countersigned."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.auth import customer_required, request_user
from art28.core.roles import Role
from art28.legal.dpa import dpa_acceptance, dpa_countersign, dpa_for
from art28.portal.views import _organisation


def _language(value: str | None) -> str | None:
    """A language of the site named by ``?lang=`` / the form, else None (the organisation's)."""
    return value if value in {code for code, _name in settings.LANGUAGES} else None


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    organisation = _organisation(request)
    language = _language(request.POST.get("language") or request.GET.get("lang"))
    dpa = dpa_for(organisation, language=language)
    acceptance = dpa_acceptance(organisation, dpa.version) if dpa else None
    return render(
        request,
        "portal/dpa.html",
        {
            "organisation": organisation,
            "dpa": dpa,
            "acceptance": acceptance,
            "matches_signed": bool(acceptance and dpa and acceptance.evidence_sha256 == dpa.sha256),
            "can_sign": request_user(request).role == Role.CUSTOMER_ADMIN and dpa is not None and acceptance is None,
            "error": error,
            "lang_query": f"?{urlencode({'lang': language})}" if language else "",
        },
        status=status,
    )


@customer_required
def dpa_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@customer_required
def dpa_pdf(request: HttpRequest) -> HttpResponse:
    dpa = dpa_for(_organisation(request), language=_language(request.GET.get("lang")))
    if dpa is None:
        messages.error(request, _("No DPA is published yet."))
        return redirect("portal:dpa")
    response = HttpResponse(dpa.pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{dpa.filename}.pdf")
    response["X-Content-SHA256"] = dpa.sha256
    return response


@customer_required
@require_POST
def dpa_countersign_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if user.role != Role.CUSTOMER_ADMIN:
        raise PermissionDenied(_("Only your organisation's administrators can countersign the DPA."))
    try:
        dpa_countersign(
            actor=user,
            organisation=_organisation(request),
            echoed_sha256=request.POST.get("sha256", ""),
            language=_language(request.POST.get("language")),
        )
    except ValidationError as exc:
        return _page(request, error=" ".join(exc.messages), status=400)
    messages.success(request, _("The DPA is countersigned for your organisation."))
    return redirect("portal:dpa")

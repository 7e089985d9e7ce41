"""The customer's legal documents (S8): the terms and the DPA in force, whether the organisation accepted
them (by whom, when), the acceptance button for its administrators, and the history of its acceptances.

GDPR Art. 28(9): the contract is in writing, electronic form allowed; the acceptance is that writing.
Reads are scoped to the user's organisation; another organisation's acceptances never show.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.auth import customer_required, request_user
from art28.core.roles import Role
from art28.legal.models import DocumentKind
from art28.legal.selectors import (
    acceptances_for_organisation,
    document_by_slug,
    documents_for_organisation,
    published_version,
)
from art28.legal.services import document_accept
from art28.portal.views import _organisation


def _dpa_page() -> str | None:
    """The DPA's countersignature page, where the DPA is accepted (another part of the portal)."""
    try:
        return reverse("portal:dpa")
    except NoReverseMatch:
        return None


@customer_required
def documents(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    return render(
        request,
        "portal/documents.html",
        {
            "organisation": organisation,
            "rows": documents_for_organisation(organisation),
            "history": acceptances_for_organisation(organisation),
            "can_accept": request_user(request).role == Role.CUSTOMER_ADMIN,
            "dpa_kind": DocumentKind.DPA,
            "dpa_page": _dpa_page(),
        },
    )


@customer_required
@require_POST
def accept(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Accept a published version (customer administrators only; the DPA is countersigned elsewhere)."""
    organisation = _organisation(request)
    document = document_by_slug(slug)
    version = published_version(document, number)
    if document.kind == DocumentKind.DPA:
        messages.error(request, _("The DPA is accepted by countersigning it on its own page."))
        return redirect("portal:documents")
    try:
        document_accept(actor=request_user(request), organisation=organisation, version=version)
    except PermissionDenied:
        raise PermissionDenied(_("Only your organisation's administrators can accept a document.")) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(title)s, version %(number)s, accepted.") % {"title": document.title, "number": version.number},
        )
    return redirect("portal:documents")

"""The customer's legal documents (S8): the terms and the DPA in force, whether the organisation accepted
them (by whom, when), the acceptance button for its administrators, and the history of its acceptances.

GDPR Art. 28(9): the contract is in writing, electronic form allowed; the acceptance is that writing.
Reads are scoped to the user's organisation; another organisation's acceptances never show.

A version is shown in the user's language (``?lang=`` picks another language the version has a text in),
the English text with a visible marker where that language has none; the acceptance records the
language of the text the page showed and that text's SHA-256 (``legal.services.document_accept``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.auth import customer_required, request_user
from art28.core.roles import Role
from art28.core.translated import DEFAULT_LANGUAGE, all_languages, language_name, localized
from art28.legal.models import Acceptance, DocumentKind
from art28.legal.selectors import (
    acceptances_for_organisation,
    document_by_slug,
    documents_for_organisation,
    published,
    published_version,
)
from art28.legal.services import document_accept, version_text
from art28.legal.source import render_document
from art28.portal.views import _organisation


def _dpa_page() -> str | None:
    """The DPA's countersignature page, where the DPA is accepted (another part of the portal)."""
    try:
        return reverse("portal:dpa")
    except NoReverseMatch:
        return None


LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def _page_language(request: HttpRequest) -> str:
    """The page's language (the user's, once ``_organisation`` switched to it)."""
    return (get_language() or DEFAULT_LANGUAGE)[:2]


def _text_language(request: HttpRequest, value: str | None) -> str:
    """The language of the text asked for (``?lang=`` / the form's ``language``), else the page's."""
    return value if value in LANGUAGE_CODES else _page_language(request)  # type: ignore[return-value]


@customer_required
def document_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """One published version to read and accept, in the user's language or the one ``?lang=`` names."""
    organisation = _organisation(request)
    document = document_by_slug(slug)
    version = published_version(document, number)
    text = version_text(version, _text_language(request, request.GET.get("lang")))
    names = dict(settings.LANGUAGES)
    available = all_languages(version, "body")
    others = [
        (code, names[code], "?" + urlencode({"lang": code}))
        for code in names
        if code in available and code != text.language
    ]
    accepted = Acceptance.objects.filter(organisation=organisation, version=version).first()
    return render(
        request,
        "portal/document_version.html",
        {
            "organisation": organisation,
            "document": document,
            "version": version,
            "text": text,
            "html": render_document(text.text),
            "text_languages": others,
            "title": localized(document, "title").text,
            "previous": published(document).filter(number__lt=version.number).first(),
            "is_upcoming": bool(version.effective_on and version.effective_on > timezone.localdate()),
            "acceptance": accepted,
            "can_accept": request_user(request).role == Role.CUSTOMER_ADMIN
            and accepted is None
            and document.requires_acceptance
            and document.kind != DocumentKind.DPA,
            "dpa_kind": DocumentKind.DPA,
            "dpa_page": _dpa_page(),
        },
    )


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
    """Accept a published version (customer administrators only; the DPA is countersigned elsewhere), in
    the language of the text the page showed (the form's ``language``, else the page's language)."""
    organisation = _organisation(request)
    document = document_by_slug(slug)
    version = published_version(document, number)
    if document.kind == DocumentKind.DPA:
        messages.error(request, _("The DPA is accepted by countersigning it on its own page."))
        return redirect("portal:documents")
    try:
        acceptance = document_accept(
            actor=request_user(request),
            organisation=organisation,
            version=version,
            language=_text_language(request, request.POST.get("language")),
        )
    except PermissionDenied:
        raise PermissionDenied(_("Only your organisation's administrators can accept a document.")) from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(title)s, version %(number)s, accepted (the text in %(language)s).")
            % {
                "title": localized(document, "title").text,
                "number": version.number,
                "language": language_name(acceptance.language),
            },
        )
    return redirect("portal:documents")

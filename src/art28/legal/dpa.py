"""The customer's data processing agreement (S8, GDPR Art. 28(3) and (9), nFADP Art. 9), generated: the
DPA template in force (the published version of the ``dpa`` document with the latest effective date not
after today) rendered with the customer's name and contact, its services, the sub-processors working on
its data (with countries and safeguards, objections respected), the TOMs (Art. 32(1)(a)-(d)) and the
responsibility matrix of its services.

Countersignature (Art. 28(9): in writing, electronic form allowed): the customer's administrator sees the
SHA-256 of the exact PDF bytes and echoes it back; the PDF is generated again and accepted only if its
hash is the same (nothing changed meanwhile). The PDF bytes are deterministic for the same inputs (no
generation time in the text, fixed metadata), so the hash can be recomputed later from the same data.

The DPA is addressed to the organisation, so it is generated in the organisation's language
(``Organisation.language``): the version's text in that language, else its English text (then the DPA
says that it is not available in that language), the headings and annexes in that language. It states
its language and links to the other languages the version has a text in (the portal's ``?lang=``); a
customer may read and countersign any of them, and the acceptance records the language of the text
countersigned with the PDF's hash.

Reads the legal models, calls ``legal.services.document_accept`` and ``legal.source.render_document``;
the records side comes from the records and subprocessors selectors (records never imports legal).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header, urlencode

from art28.core.audit import Actor
from art28.core.auth import role_required
from art28.core.countries import country_name
from art28.core.models import Organisation
from art28.core.roles import STAFF_ROLES
from art28.core.translated import DEFAULT_LANGUAGE, Localized, all_languages, language_name, localized
from art28.legal.models import Acceptance, AcceptanceMethod, DocumentKind, DocumentVersion, VersionStatus
from art28.legal.services import document_accept
from art28.legal.source import render_document
from art28.records.generation import ControllerRecord, controller_record
from art28.records.selectors import group_by_area, matrix_for_services, measures_for_services

SHA256_LENGTH = 64


def version_in_force(kind: str, on: dt.date | None = None) -> DocumentVersion | None:
    """The published version of the document of ``kind`` with the latest effective date not after ``on``."""
    day = on or timezone.localdate()
    return (
        DocumentVersion.objects.filter(document__kind=kind, status=VersionStatus.PUBLISHED, effective_on__lte=day)
        .select_related("document")
        .order_by("-effective_on", "-number")
        .first()
    )


def dpa_version_in_force(on: dt.date | None = None) -> DocumentVersion | None:
    return version_in_force(DocumentKind.DPA, on)


DPA_PDF_CACHE_PREFIX = "legal:dpa-pdf:"
DPA_PDF_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class GeneratedDpa:
    organisation: Organisation
    version: DocumentVersion
    html: str  # the document's body, for the portal's preview
    pdf: bytes
    text: Localized  # the version's text in the DPA: ``text.language`` is its language

    @property
    def language(self) -> str:
        return self.text.language

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()

    @property
    def filename(self) -> str:
        return f"dpa-{self.organisation.ref}-v{self.version.number}"


def dpa_language(organisation: Organisation, language: str | None = None) -> str:
    """The language the DPA is generated in: the one asked for, else the organisation's."""
    codes = [code for code, _name in settings.LANGUAGES]
    if language in codes:
        return language  # type: ignore[return-value]
    return organisation.language if organisation.language in codes else DEFAULT_LANGUAGE


def other_language_links(version: DocumentVersion, shown: str) -> list[tuple[str, str, str]]:
    """``(code, name, url)``: the other languages the DPA's text exists in, each the portal's DPA page
    in that language (absolute, so the link works from the PDF)."""
    try:
        page = settings.ART28_BASE_URL.rstrip("/") + reverse("portal:dpa")
    except NoReverseMatch:  # pragma: no cover - the portal is always installed with legal
        page = ""
    available = all_languages(version, "body")
    return [
        (code, language_name(code), f"{page}?{urlencode({'lang': code})}" if page else "")
        for code, _name in settings.LANGUAGES
        if code in available and code != shown
    ]


def dpa_context(
    organisation: Organisation, version: DocumentVersion, record: ControllerRecord, text: Localized
) -> dict[str, Any]:
    """What the DPA is made of; nothing in it depends on the time of generation (a stable hash)."""
    return {
        "organisation": organisation,
        "version": version,
        "text": text,
        "title": localized(version.document, "title", text.wanted).text,
        "body": render_document(text.text),
        "record": record,
        "subprocessors": [(sp, [(code, country_name(code)) for code in sp.countries]) for sp in record.subprocessors],
        "measure_areas": [row for row in group_by_area(measures_for_services(record.service_ids)) if row[2]],
        "toms_version": version_in_force(DocumentKind.TOMS, version.effective_on),
        "matrix": matrix_for_services(record.service_ids),
    }


def dpa_html(organisation: Organisation, version: DocumentVersion, language: str | None = None) -> tuple[str, str]:
    """The DPA's body (the portal's preview) and the whole HTML document the PDF is made from, in
    ``language`` (default: the organisation's)."""
    wanted = dpa_language(organisation, language)
    text = localized(version, "body", wanted)
    # Everything is built and rendered in the DPA's language: the context too (country names, the
    # measure areas' labels are made into text there), not only the templates' own words.
    with translation.override(wanted):
        context = dpa_context(organisation, version, controller_record(organisation), text)
        context["other_languages"] = other_language_links(version, text.language)
        body = render_to_string("legal/dpa_body.html", context)
        return body, render_to_string("legal/dpa_document.html", context | {"document_body": body})


def pdf_cache_key(document: str) -> str:
    return DPA_PDF_CACHE_PREFIX + hashlib.sha256(document.encode()).hexdigest()


def dpa_for(
    organisation: Organisation, *, on: dt.date | None = None, language: str | None = None
) -> GeneratedDpa | None:
    """The customer's DPA as HTML and PDF, in its language (or ``language``); None without a published
    DPA template."""
    from weasyprint import HTML  # heavy import, only when a DPA is wanted

    version = dpa_version_in_force(on)
    if version is None:
        return None
    wanted = dpa_language(organisation, language)
    body, document = dpa_html(organisation, version, wanted)
    # WeasyPrint takes about a second; the same HTML always gives the same bytes (the countersigned hash
    # depends on it), so the PDF is kept by the HTML's digest and only a changed DPA is rendered again.
    key = pdf_cache_key(document)
    pdf = cache.get(key)
    if pdf is None:
        pdf = HTML(string=document).write_pdf()
        cache.set(key, pdf, DPA_PDF_CACHE_SECONDS)
    return GeneratedDpa(organisation, version, body, pdf, localized(version, "body", wanted))


def dpa_acceptance(organisation: Organisation, version: DocumentVersion) -> Acceptance | None:
    return Acceptance.objects.filter(organisation=organisation, version=version).select_related("version").first()


def dpa_countersign(
    *, actor: Actor, organisation: Organisation, echoed_sha256: str, language: str | None = None
) -> Acceptance:
    """Countersign the customer's DPA (Art. 28(9)): only if the PDF generated now, in ``language`` (the
    page's; default the organisation's), is the one whose hash the signer saw; otherwise the document
    changed meanwhile and nothing is recorded. The acceptance records the language of the DPA's text."""
    echoed = (echoed_sha256 or "").strip().lower()
    if len(echoed) != SHA256_LENGTH or any(c not in "0123456789abcdef" for c in echoed):
        raise ValidationError({"sha256": "Echo the 64-hex-digit SHA-256 shown with the DPA."})
    dpa = dpa_for(organisation, language=language)
    if dpa is None:
        raise ValidationError("No DPA is published yet: there is nothing to countersign.")
    if dpa.sha256 != echoed:
        raise ValidationError(
            {"sha256": "The DPA changed since you opened it (its SHA-256 differs): review the new one and sign again."}
        )
    return document_accept(
        actor=actor,
        organisation=organisation,
        version=dpa.version,
        method=AcceptanceMethod.COUNTERSIGN,
        evidence_sha256=dpa.sha256,
        language=dpa.language,
    )


# ----------------------------------------------------------------------------------------------------
# Staff download (/staff/records/<ref>/dpa.pdf, wired in art28/urls.py next to the records pages)


@role_required(*STAFF_ROLES)
def staff_dpa_pdf(request: HttpRequest, ref: str) -> HttpResponse:
    from django.contrib import messages
    from django.utils.translation import gettext as _

    organisation = get_object_or_404(Organisation, ref=ref)
    dpa = dpa_for(organisation)
    if dpa is None:
        messages.error(request, _("No DPA template is published yet: there is no DPA to generate."))
        return redirect("records:controller", ref=organisation.ref)
    response = HttpResponse(dpa.pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{dpa.filename}.pdf")
    response["X-Content-SHA256"] = dpa.sha256
    return response

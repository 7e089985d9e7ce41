"""The legal documents API (S8), under /api/v1/legal/.

Anyone authenticated reads the published documents, their versions (Markdown and HTML) and diffs; drafts
only staff. The DPO and administrators draft and publish. Customers list and give their own organisation's
acceptances under ``/my/`` (administrators accept; GDPR Art. 28(9)). A rule broken answers 422.
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError

from art28.core.api import api_organisation, api_user, call_service
from art28.core.models import User
from art28.core.selectors import organisation_by_ref
from art28.legal import schemas as s
from art28.legal.diff import diff_lines, diff_stats
from art28.legal.dpa import GeneratedDpa, dpa_countersign, dpa_for
from art28.legal.models import DocumentKind, DocumentVersion
from art28.legal.redline import redline
from art28.legal.selectors import (
    acceptances_for_organisation,
    document_by_slug,
    latest_two,
    public_documents,
    published,
    published_version,
)
from art28.legal.services import (
    can_write,
    document_accept,
    version_draft,
    version_publish,
    version_text,
    version_update,
)
from art28.legal.source import render_document

router = Router(tags=["legal"])
VersionNumber = Annotated[int, Path(ge=1, le=2**31 - 1, description="The version's number within its document")]


_user = api_user


def _staff(request: HttpRequest, *, write: bool = False) -> User:
    user = _user(request)
    if not user.is_staff:
        raise HttpError(403, "legal documents are written by the provider's staff")
    if write and not can_write(user):
        raise HttpError(403, "only the provider's DPO or an administrator writes legal documents")
    return user


_organisation = api_organisation


_do = call_service


def _version(request: HttpRequest, slug: str, number: int) -> DocumentVersion:
    """A published version for anyone; a draft only for staff (404 otherwise, as if it did not exist)."""
    document = document_by_slug(slug)
    if _user(request).is_staff:
        version = document.versions.filter(number=number).first()
        if version is None:
            raise Http404(f"{slug} has no version {number}")
        return version
    return published_version(document, number)


@router.get("/documents", response=list[s.DocumentOut], summary="Published documents and their version in force")
def list_documents(request: HttpRequest) -> list[s.DocumentOut]:
    return [s.document_out(row.document, row.in_force, row.upcoming) for row in public_documents()]


@router.get("/documents/{slug}/versions", response=list[s.VersionOut], summary="A document's versions")
def list_versions(request: HttpRequest, slug: str) -> list[s.VersionOut]:
    """Published versions, newest first; staff also see the draft."""
    document = document_by_slug(slug)
    versions = document.versions.order_by("-number") if _user(request).is_staff else published(document)
    return [s.version_out(v) for v in versions.select_related("document")]


@router.get("/documents/{slug}/versions/{number}", response=s.VersionTextOut, summary="A version's text")
def get_version(request: HttpRequest, slug: str, number: VersionNumber) -> s.VersionTextOut:
    version = _version(request, slug, number)
    return s.version_text_out(version, str(render_document(version.body)))


class DiffQuery(Schema):
    from_version: int | None = Field(None, alias="from", ge=1, le=2**31 - 1)
    to_version: int | None = Field(None, alias="to", ge=1, le=2**31 - 1)
    language: Literal["en", "fr", "de", "it"] = Field(
        "en", description="Compare the texts in this language (a version without it: its English text)"
    )


@router.get("/documents/{slug}/diff", response=s.DiffOut, summary="Diff of two published versions")
def diff(request: HttpRequest, slug: str, query: Query[DiffQuery]) -> s.DiffOut:
    """``from`` and ``to`` name two published versions; without both, the latest two. ``lines`` is the
    Markdown source by line, ``redline`` the formatted text with ``<ins>``/``<del>`` (GDPR Art. 28(9)).
    The texts compared are those in ``language``; a version without one is compared by its English text,
    and ``from_language`` / ``to_language`` say which text each side is."""
    document = document_by_slug(slug)
    if query.from_version is None and query.to_version is None:
        pair = latest_two(document)
        if pair is None:
            raise HttpError(422, f"{slug} has fewer than two published versions: there is nothing to compare")
        old, new = pair
    elif query.from_version is None or query.to_version is None:
        raise HttpError(422, "name both versions ('from' and 'to'), or neither for the latest two")
    else:
        old = published_version(document, query.from_version)
        new = published_version(document, query.to_version)
    old_text, new_text = version_text(old, query.language), version_text(new, query.language)
    lines = diff_lines(old_text.text, new_text.text)
    return s.DiffOut(
        document=slug,
        language=query.language,
        from_version=old.number,
        to_version=new.number,
        from_language=old_text.language,
        to_language=new_text.language,
        stats=diff_stats(lines),
        lines=[s.DiffLineOut(**line.as_json()) for line in lines],  # type: ignore[arg-type]
        redline=str(redline(old_text.text, new_text.text).html),
    )


@router.post("/documents/{slug}/versions", response={201: s.VersionOut}, summary="Draft the next version")
def draft(request: HttpRequest, slug: str, payload: s.VersionIn) -> Status[s.VersionOut]:
    user = _staff(request, write=True)
    version = _do(version_draft, actor=user, document=document_by_slug(slug), **payload.dict())
    return Status(201, s.version_out(version))


@router.patch("/documents/{slug}/versions/{number}", response=s.VersionOut, summary="Edit a draft")
def update(request: HttpRequest, slug: str, number: VersionNumber, payload: s.VersionIn) -> s.VersionOut:
    user = _staff(request, write=True)
    return s.version_out(_do(version_update, actor=user, version=_version(request, slug, number), **payload.dict()))


@router.post("/documents/{slug}/versions/{number}/publish", response=s.VersionOut, summary="Publish a draft")
def publish(request: HttpRequest, slug: str, number: VersionNumber, payload: s.PublishIn) -> s.VersionOut:
    """Notice of ART28_LEGAL_NOTICE_DAYS to the customers who accepted an earlier version (GDPR Art. 28(9))."""
    user = _staff(request, write=True)
    version = _version(request, slug, number)
    return s.version_out(_do(version_publish, actor=user, version=version, effective_on=payload.effective_on))


@router.get("/my/acceptances", response=list[s.AcceptanceOut], summary="My organisation's acceptances")
def my_acceptances(request: HttpRequest) -> list[s.AcceptanceOut]:
    return [s.acceptance_out(a) for a in acceptances_for_organisation(_organisation(request))]


@router.post("/my/acceptances", response={201: s.AcceptanceOut}, summary="Accept a published version")
def my_accept(request: HttpRequest, payload: s.AcceptIn) -> Status[s.AcceptanceOut]:
    """Customer administrators only; the DPA is countersigned on its own page, not here."""
    organisation = _organisation(request)
    document = document_by_slug(payload.document)
    if document.kind == DocumentKind.DPA:
        raise HttpError(422, "the DPA is accepted by countersigning it, not here")
    version = published_version(document, payload.version)
    acceptance = _do(
        document_accept, actor=_user(request), organisation=organisation, version=version, language=payload.language
    )
    return Status(201, s.acceptance_out(acceptance))


# ---------------------------------------------------------------------------------------------------
# The customer's DPA (GDPR Art. 28(3), (9)): the same PDF as the portal, and its countersignature.


def _dpa_response(dpa: GeneratedDpa | None) -> HttpResponse:
    if dpa is None:
        raise HttpError(404, "no DPA template is published yet: there is no DPA to generate")
    response = HttpResponse(dpa.pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{dpa.filename}.pdf")
    response["X-Content-SHA256"] = dpa.sha256
    response["Content-Language"] = dpa.language
    return response


Language = Literal["en", "fr", "de", "it"]


class DpaQuery(Schema):
    language: Language | None = Field(None, description="The DPA's language (default: your organisation's)")


@router.get("/my/dpa", summary="My organisation's DPA as PDF (its SHA-256 in X-Content-SHA256)")
def my_dpa(request: HttpRequest, query: Query[DpaQuery]) -> HttpResponse:
    """In the organisation's language, or ``?language=``; Content-Language names the language of its text."""
    return _dpa_response(dpa_for(_organisation(request), language=query.language))


class CountersignIn(Schema):
    sha256: str = Field(description="The SHA-256 of the PDF you reviewed (X-Content-SHA256 of GET /my/dpa)")
    language: Language | None = Field(None, description="The language of the DPA you reviewed (as GET /my/dpa)")


@router.post("/my/dpa/countersign", response={201: s.AcceptanceOut}, summary="Countersign my DPA (admins)")
def my_dpa_countersign(request: HttpRequest, payload: CountersignIn) -> Status[s.AcceptanceOut]:
    """Refused (422) when the DPA generated now is not the one whose hash you send: it changed meanwhile."""
    user = _user(request)
    organisation = _organisation(request)
    acceptance = _do(
        dpa_countersign,
        actor=user,
        organisation=organisation,
        echoed_sha256=payload.sha256,
        language=payload.language,
    )
    return Status(201, s.acceptance_out(acceptance))


@router.get("/dpa/{path:ref}", summary="A customer's DPA as PDF (staff)")
def customer_dpa(request: HttpRequest, ref: str) -> HttpResponse:
    _staff(request)
    organisation = organisation_by_ref(ref)
    if organisation is None:
        raise HttpError(404, f"no customer {ref}")
    return _dpa_response(dpa_for(organisation))

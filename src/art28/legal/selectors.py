"""Reads on legal documents. Customer-facing reads take the organisation and return only its rows.

The version in force on a day is the published version with the latest ``effective_on`` not after that
day (the higher number wins a tie); a published version whose date is still ahead is *upcoming*.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from art28.core.models import Organisation
from art28.legal.models import Acceptance, Document, DocumentKind, DocumentVersion, VersionStatus


def published(document: Document) -> QuerySet[DocumentVersion]:
    return document.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number")


def version_in_force(document: Document, on: dt.date | None = None) -> DocumentVersion | None:
    day = on or timezone.localdate()
    return (
        DocumentVersion.objects.filter(document=document, status=VersionStatus.PUBLISHED, effective_on__lte=day)
        .order_by("-effective_on", "-number")
        .first()
    )


def upcoming_versions(document: Document, on: dt.date | None = None) -> list[DocumentVersion]:
    day = on or timezone.localdate()
    return list(published(document).filter(effective_on__gt=day).order_by("effective_on", "number"))


def latest_two(document: Document) -> tuple[DocumentVersion, DocumentVersion] | None:
    """(the second newest, the newest) published versions, upcoming ones included; None with fewer."""
    newest = list(published(document)[:2])
    return (newest[1], newest[0]) if len(newest) == 2 else None


def published_version(document: Document, number: int) -> DocumentVersion:
    """A published version by number; a draft or an unknown number is a 404 (drafts are never public)."""
    version = published(document).filter(number=number).first()
    if version is None:
        raise Http404(f"{document.title} has no published version {number}.")
    return version


def document_by_slug(slug: str) -> Document:
    document = Document.objects.filter(slug=slug).first()
    if document is None:
        raise Http404(f"No legal document {slug!r}.")
    return document


def document_of_kind(kind: str) -> Document | None:
    return Document.objects.filter(kind=kind).first()


@dataclass(frozen=True)
class PublicDocument:
    document: Document
    in_force: DocumentVersion | None
    upcoming: list[DocumentVersion]


def public_documents(on: dt.date | None = None) -> list[PublicDocument]:
    """Every document with at least one published version, with its version in force and upcoming ones
    (two queries whatever the number of documents)."""
    day = on or timezone.localdate()
    documents = list(Document.objects.all())
    by_document: dict[int, list[DocumentVersion]] = {}
    for version in DocumentVersion.objects.filter(status=VersionStatus.PUBLISHED).order_by("effective_on", "number"):
        by_document.setdefault(version.document_id, []).append(version)
    rows = []
    for document in documents:
        versions = by_document.get(document.pk, [])
        if not versions:
            continue
        current = [v for v in versions if v.effective_on and v.effective_on <= day]
        rows.append(
            PublicDocument(
                document=document,
                in_force=current[-1] if current else None,
                upcoming=[v for v in versions if v.effective_on and v.effective_on > day],
            )
        )
    return rows


def all_documents() -> QuerySet[Document]:
    return Document.objects.prefetch_related("versions")


def cookie_policy_in_force() -> DocumentVersion | None:
    document = document_of_kind(DocumentKind.COOKIES)
    return version_in_force(document) if document else None


# --- Acceptances


def acceptances_for_organisation(organisation: Organisation) -> QuerySet[Acceptance]:
    return Acceptance.objects.filter(organisation=organisation).select_related("version__document")


def acceptances_of_document(document: Document) -> QuerySet[Acceptance]:
    return (
        Acceptance.objects.filter(version__document=document)
        .select_related("organisation", "version")
        .order_by("organisation__ref", "-version__number")
    )


def organisations_not_accepting(version: DocumentVersion) -> QuerySet[Organisation]:
    """Customers that have not accepted ``version`` (the one in force), for the staff report."""
    return Organisation.objects.exclude(acceptances__version=version).order_by("ref")


def last_accepted(organisation: Organisation, document: Document) -> Acceptance | None:
    return (
        Acceptance.objects.filter(organisation=organisation, version__document=document)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )


@dataclass(frozen=True)
class OrganisationDocument:
    """A document the customer accepts, seen by that customer."""

    document: Document
    in_force: DocumentVersion | None
    upcoming: list[DocumentVersion]
    accepted_in_force: Acceptance | None
    last_accepted: Acceptance | None
    to_accept: list[DocumentVersion]  # published (in force or upcoming), not yet accepted by the customer


def documents_for_organisation(organisation: Organisation, on: dt.date | None = None) -> list[OrganisationDocument]:
    """Each published document customers accept, with ``organisation``'s acceptances only (three queries)."""
    acceptances: dict[int, Acceptance] = {
        a.version_id: a for a in Acceptance.objects.filter(organisation=organisation).select_related("version")
    }
    rows = []
    for public in public_documents(on):
        if not public.document.requires_acceptance:
            continue
        mine = [a for a in acceptances.values() if a.version.document_id == public.document.pk]
        last = max(mine, key=lambda a: a.version.number, default=None)
        candidates = ([public.in_force] if public.in_force else []) + public.upcoming
        rows.append(
            OrganisationDocument(
                document=public.document,
                in_force=public.in_force,
                upcoming=public.upcoming,
                accepted_in_force=acceptances.get(public.in_force.pk) if public.in_force else None,
                last_accepted=last,
                to_accept=[
                    v
                    for v in candidates
                    if v.pk not in acceptances and (last is None or v.number > last.version.number)
                ],
            )
        )
    return rows


def versions_to_accept(organisation: Organisation, on: dt.date | None = None) -> QuerySet[DocumentVersion]:
    """The published versions ``organisation`` still has to accept, earliest effective date first, in one
    query: the version in force and the upcoming ones of each document customers accept, newer than the
    last version it accepted (``documents_for_organisation``'s ``to_accept``). A DPA version is
    countersigned only once in force (``dpa.dpa_countersign`` signs the DPA in force), so an upcoming
    one is left out. GDPR Art. 28(9): the acceptance is the contract in writing."""
    day = on or timezone.localdate()
    accepted_same_or_newer = Acceptance.objects.filter(
        organisation=organisation,
        version__document=OuterRef("document"),
        version__number__gte=OuterRef("number"),
    )
    superseded = DocumentVersion.objects.filter(
        document=OuterRef("document"), status=VersionStatus.PUBLISHED, effective_on__lte=day
    ).filter(
        Q(effective_on__gt=OuterRef("effective_on"))
        | Q(effective_on=OuterRef("effective_on"), number__gt=OuterRef("number"))
    )
    return (
        DocumentVersion.objects.filter(
            status=VersionStatus.PUBLISHED, document__requires_acceptance=True, effective_on__isnull=False
        )
        .exclude(Exists(accepted_same_or_newer))
        .exclude(Q(effective_on__lte=day) & Exists(superseded))
        .exclude(document__kind=DocumentKind.DPA, effective_on__gt=day)
        .select_related("document")
        .order_by("effective_on", "document__position", "pk")
    )

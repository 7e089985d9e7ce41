"""Writes on legal documents: one transaction each, with its audit-trail entry."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from art28.core import access
from art28.core.audit import Actor, SystemActor, audit_record
from art28.core.models import Language, Organisation, User
from art28.core.roles import Role
from art28.core.translated import DEFAULT_LANGUAGE, Localized, clean_translations, localized
from art28.legal.clauses import authorisation_grant, front_matter, missing_clauses, source_errors
from art28.legal.models import (
    Acceptance,
    AcceptanceMethod,
    Document,
    DocumentKind,
    DocumentVersion,
    VersionStatus,
)


def document_accept(
    *,
    actor: Actor,
    organisation: Organisation,
    version: DocumentVersion,
    method: str = AcceptanceMethod.CLICK,
    evidence_sha256: str = "",
    language: str = DEFAULT_LANGUAGE,
) -> Acceptance:
    """Record that ``organisation`` accepted ``version`` (GDPR Art. 28(9): in writing, electronic form
    allowed). Only a customer administrator of that organisation accepts; only a published version of a
    document customers accept can be accepted, and each version once.

    ``language`` is the language of the page on which the customer read the version (the view passes
    it). What is recorded is the text really shown: that language's text where the version has one, else
    the English text (then ``"en"`` is recorded, never a language whose text the customer did not see),
    with the SHA-256 of that exact text (``Acceptance.text_sha256``).

    A DPA version whose front matter grants an authorisation of sub-processors (GDPR Art. 28(2), nFADP
    Art. 9(3), DSV Art. 7) has it recorded in the same transaction (``subprocessors.Contract``), dated
    today, linked to this acceptance and to the SHA-256 of the text accepted: the countersigned PDF's
    (``evidence_sha256``), else the version's Markdown."""
    if not (isinstance(actor, User) and actor.is_customer and actor.organisation_id == organisation.pk):
        raise PermissionDenied("Only a user of the organisation accepts its documents.")
    if actor.role != Role.CUSTOMER_ADMIN:
        raise PermissionDenied("Only your organisation's administrators can accept a document.")
    if method not in AcceptanceMethod.values:
        raise ValidationError({"method": f"unknown method {method!r}"})
    if language not in Language.values:
        raise ValidationError({"language": f"unknown language {language!r}: use one of {', '.join(Language.values)}"})
    if method == AcceptanceMethod.COUNTERSIGN and len(evidence_sha256) != 64:
        raise ValidationError({"evidence_sha256": "A countersignature names the SHA-256 of the signed document."})
    with transaction.atomic():
        version = DocumentVersion.objects.select_related("document").get(pk=version.pk)
        shown = version_text(version, language)
        if version.status != VersionStatus.PUBLISHED or not version.document.requires_acceptance:
            raise ValidationError("Only a published version of a document customers accept can be accepted.")
        if Acceptance.objects.filter(organisation=organisation, version=version).exists():
            raise ValidationError("This version was already accepted for your organisation.")
        acceptance = Acceptance.objects.create(
            organisation=organisation,
            version=version,
            accepted_by=actor,
            accepted_by_label=actor.email,
            accepted_at=timezone.now(),
            method=method,
            evidence_sha256=evidence_sha256,
            language=shown.language,
            text_sha256=text_sha256(shown.text),
        )
        grant = authorisation_grant(version.body) if version.document.kind == DocumentKind.DPA else None
        audit_record(
            actor=actor,
            action="legal.document.accept",
            obj=acceptance,
            organisation_id=organisation.pk,
            after={
                "document": version.document.slug,
                "version": version.number,
                "method": method,
                "evidence_sha256": evidence_sha256,
                "language": acceptance.language,
                "text_sha256": acceptance.text_sha256,
                "grants": f"{grant.authorisation}, {grant.notice_days} days" if grant else None,
            },
        )
        if grant is not None:
            from art28.subprocessors.services import contract_record_from_acceptance

            contract_record_from_acceptance(
                actor=actor,
                acceptance=acceptance,
                authorisation=grant.authorisation,
                notice_days=grant.notice_days,
                evidence_sha256=evidence_sha256 or acceptance.text_sha256,
            )
    return acceptance


def text_sha256(text: str) -> str:
    """The SHA-256 of a version's text as accepted (its Markdown, UTF-8)."""
    return hashlib.sha256(text.encode()).hexdigest()


def version_text(version: DocumentVersion, language: str | None) -> Localized:
    """The version's text a reader of ``language`` is shown: that language's, else the English one."""
    return localized(version, "body", language if language else DEFAULT_LANGUAGE)


# --- Documents and versions (S8): drafted by the DPO or an administrator, published with an effective date.

LEGAL_WRITERS = access.LEGAL_WRITERS  # the role table


def can_write(actor: Actor) -> bool:
    return isinstance(actor, SystemActor) or actor.role in LEGAL_WRITERS


def ensure_writer(actor: Actor) -> None:
    if not can_write(actor):
        raise PermissionDenied("Only the provider's DPO or an administrator writes legal documents.")


def _actor_user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def version_snapshot(version: DocumentVersion) -> dict[str, Any]:
    return {
        "document": version.document.slug,
        "number": version.number,
        "status": version.status,
        "effective_on": version.effective_on,
        "change_summary": version.change_summary,
        "change_summary_i18n": version.change_summary_i18n,
        "body_sha256": text_sha256(version.body),
        "body_i18n_sha256": {code: text_sha256(text) for code, text in (version.body_i18n or {}).items()},
    }


def document_create(
    *,
    actor: Actor,
    slug: str,
    kind: str,
    title: str,
    requires_acceptance: bool = False,
    position: int = 0,
    title_i18n: dict[str, str] | None = None,
) -> Document:
    """A new legal document (one per kind), without any version yet; its title in English and,
    optionally, French, German and Italian (``title_i18n``)."""
    ensure_writer(actor)
    document = Document(
        slug=slug,
        kind=kind,
        title=title.strip(),
        title_i18n=clean_translations(title_i18n, field="title"),
        requires_acceptance=requires_acceptance,
        position=position,
    )
    document.full_clean()
    with transaction.atomic():
        document.save()
        audit_record(
            actor=actor,
            action="legal.document.create",
            obj=document,
            after={
                "slug": slug,
                "kind": kind,
                "title": document.title,
                "title_i18n": document.title_i18n,
                "requires_acceptance": requires_acceptance,
            },
        )
    return document


def document_title_update(*, actor: Actor, document: Document, title: str, title_i18n: Any = None) -> Document:
    """Change a document's title and its translations (``title_i18n``; None keeps them). The title is
    not part of any version's text, so it may change at any time; the audit entry keeps before/after."""
    ensure_writer(actor)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        before = {"title": document.title, "title_i18n": document.title_i18n}
        document.title = title.strip()
        if title_i18n is not None:
            document.title_i18n = clean_translations(title_i18n, field="title")
        document.full_clean()
        document.save(update_fields=["title", "title_i18n"])
        audit_record(
            actor=actor,
            action="legal.document.update",
            obj=document,
            before=before,
            after={"title": document.title, "title_i18n": document.title_i18n},
        )
    return document


def _check_text(body: str, kind: str) -> None:
    """A text to save: not empty; its front matter and (for the DPA) clause markers well formed, each
    error naming its line and key (docs/legal-documents.md)."""
    if not body.strip():
        raise ValidationError({"body": "The text is empty: write the document in Markdown."})
    if errors := source_errors(body, kind):
        raise ValidationError({"body": errors})


def _check_translations(kind: str, body_i18n: Any, change_summary_i18n: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The translations as stored (``core.translated.clean_translations``), each text checked like the
    English one; an error names ``body_i18n`` and the language, and nothing is saved."""
    texts = clean_translations(body_i18n, field="body")
    summaries = clean_translations(change_summary_i18n, field="change_summary")
    errors = [f"{code}: {error}" for code, text in texts.items() for error in source_errors(text, kind)]
    if errors:
        raise ValidationError({"body_i18n": errors})
    return texts, summaries


def version_draft(
    *,
    actor: Actor,
    document: Document,
    body: str,
    change_summary: str = "",
    body_i18n: dict[str, str] | None = None,
    change_summary_i18n: dict[str, str] | None = None,
) -> DocumentVersion:
    """A new draft, numbered after the last version. One draft per document at a time, so that two
    people do not write two competing next versions. ``body_i18n`` and ``change_summary_i18n`` are the
    French, German and Italian texts (``{"fr": "…"}``; English is ``body`` itself, and required)."""
    ensure_writer(actor)
    _check_text(body, document.kind)
    texts, summaries = _check_translations(document.kind, body_i18n, change_summary_i18n)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.versions.filter(status=VersionStatus.DRAFT).exists():
            raise ValidationError("This document already has a draft: edit it, publish it or discard it.")
        last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = DocumentVersion.objects.create(
            document=document,
            number=last + 1,
            body=body,
            body_i18n=texts,
            change_summary=change_summary.strip(),
            change_summary_i18n=summaries,
            created_by=_actor_user(actor),
        )
        audit_record(actor=actor, action="legal.version.draft", obj=version, after=version_snapshot(version))
    return version


def _locked_draft(version: DocumentVersion) -> DocumentVersion:
    version = DocumentVersion.objects.select_for_update(of=("self",)).select_related("document").get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        # Customers accepted (or may accept) exactly that text, in the language they read: no text of it
        # changes, and no translation is added to it either (GDPR Art. 28(9)).
        raise ValidationError("A published version never changes: draft a new version instead.")
    return version


def version_update(
    *,
    actor: Actor,
    version: DocumentVersion,
    body: str,
    change_summary: str = "",
    body_i18n: dict[str, str] | None = None,
    change_summary_i18n: dict[str, str] | None = None,
) -> DocumentVersion:
    """Change a draft's texts and summaries (only drafts change). ``body_i18n`` / ``change_summary_i18n``
    replace the translations when given (None keeps them).

    A published version never changes, and that includes its translations: a translation missing from
    a published version is not added to it, a new version is drafted and published instead. Customers
    accept a text (``Acceptance.text_sha256``) and are told of every new version; a text appearing in
    a version they already accepted would be a change nobody announced (GDPR Art. 28(9))."""
    ensure_writer(actor)
    with transaction.atomic():
        version = _locked_draft(version)
        _check_text(body, version.document.kind)
        texts, summaries = _check_translations(
            version.document.kind,
            version.body_i18n if body_i18n is None else body_i18n,
            version.change_summary_i18n if change_summary_i18n is None else change_summary_i18n,
        )
        before = version_snapshot(version)
        version.body, version.change_summary = body, change_summary.strip()
        version.body_i18n, version.change_summary_i18n = texts, summaries
        version.save(update_fields=["body", "change_summary", "body_i18n", "change_summary_i18n"])
        audit_record(
            actor=actor, action="legal.version.update", obj=version, before=before, after=version_snapshot(version)
        )
    return version


def version_discard(*, actor: Actor, version: DocumentVersion) -> None:
    """Delete a draft (a published version is never deleted)."""
    ensure_writer(actor)
    with transaction.atomic():
        version = _locked_draft(version)
        before = version_snapshot(version)
        label, pk = str(version), version.pk
        version.delete()
        audit_record(
            actor=actor,
            action="legal.version.discard",
            object_type="legal.documentversion",
            object_id=pk,
            object_repr=label,
            before=before,
        )


def notice_days() -> int:
    return int(getattr(settings, "ART28_LEGAL_NOTICE_DAYS", 30))


def version_publish(*, actor: Actor, version: DocumentVersion, effective_on: dt.date) -> DocumentVersion:
    """Publish a draft, in force from ``effective_on``; from then on it never changes.

    A new version of a document that customers accept, when some customer accepted an earlier version,
    takes effect no sooner than ``ART28_LEGAL_NOTICE_DAYS`` days from today, and exactly those customers
    are told through the outbox, once each, in their language: a change of the contract of GDPR
    Art. 28(3),(9) is announced before it binds them. Other documents (policies that inform, and
    documents nobody accepted yet) may take effect the same day.

    A DPA version must carry every clause GDPR Art. 28(3) requires (``legal.clauses.REQUIRED_CLAUSES``,
    by their markers): one that lacks any is refused, naming each clause missing, and nothing changes.
    """
    from art28.legal import notices, signals

    ensure_writer(actor)
    today = timezone.localdate()
    with transaction.atomic():
        version = _locked_draft(version)
        document = version.document
        if text_errors := _text_errors_at_publication(version):
            raise ValidationError({"body": text_errors})
        errors = _publication_errors(version, effective_on, today)
        accepting = notices.accepting_organisations(document) if document.requires_acceptance else []
        if accepting and effective_on < today + dt.timedelta(days=notice_days()):
            errors.append(
                f"Customers accepted an earlier version: the new one can take effect on "
                f"{today + dt.timedelta(days=notice_days())} at the earliest ({notice_days()} days' notice)."
            )
        if errors:
            raise ValidationError({"effective_on": errors})
        before = version_snapshot(version)
        version.status = VersionStatus.PUBLISHED
        version.effective_on = effective_on
        version.published_at = timezone.now()
        version.published_by = _actor_user(actor)
        version.save(update_fields=["status", "effective_on", "published_at", "published_by"])
        told = notices.notify_accepting(version, accepting)
        audit_record(
            actor=actor,
            action="legal.version.publish",
            obj=version,
            before=before,
            after=version_snapshot(version) | {"customers_told": told},
        )
        signals.version_published.send(sender=DocumentVersion, version=version)
    return version


def _text_errors_at_publication(version: DocumentVersion) -> list[str]:
    """What stops the version's texts from being published; an error in a translation names its language.

    Each DPA text (every language a customer may countersign) carries every clause and the same front
    matter as the English one: what accepting grants must not depend on the language read."""
    kind = version.document.kind
    errors: list[str] = []
    texts = {DEFAULT_LANGUAGE: version.body} | dict(version.body_i18n or {})
    for code, text in texts.items():
        prefix = "" if code == DEFAULT_LANGUAGE else f"{code}: "
        errors += [prefix + error for error in source_errors(text, kind)]
        if kind == DocumentKind.DPA:
            # GDPR Art. 28(3): the contract "shall stipulate, in particular" each of these.
            errors += [
                f"{prefix}The DPA lacks the clause {clause.article}: {clause.title}. Add it, starting with its "
                f"marker {clause.marker}."
                for clause in missing_clauses(text)
            ]
            if code != DEFAULT_LANGUAGE and front_matter(text) != front_matter(version.body):
                errors.append(f"{prefix}the front matter differs from the English text's: give it the same keys.")
    return errors


def _publication_errors(version: DocumentVersion, effective_on: dt.date, today: dt.date) -> list[str]:
    errors = []
    if effective_on < today:
        errors.append("A version cannot take effect in the past.")
    latest = (
        version.document.versions.filter(status=VersionStatus.PUBLISHED).order_by("-effective_on", "-number").first()
    )
    if latest is not None and effective_on < latest.effective_on:  # type: ignore[operator]
        errors.append(
            f"Version {latest.number} takes effect on {latest.effective_on}: a later version cannot take effect "
            "before it."
        )
    return errors

"""Staff pages /staff/legal/ (S8): documents, versions (preview, edit, publish, discard) and the
acceptance report. Every staff role reads; the DPO and administrators write; customers get 403.
Cookies and consent records are in cookie_views.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.auth import request_user, role_required
from art28.core.roles import STAFF_ROLES
from art28.core.translated import DEFAULT_LANGUAGE, all_languages, language_name, localized, missing_languages
from art28.legal import forms as f
from art28.legal.clauses import authorisation_grant, clause_checklist, front_matter
from art28.legal.models import Document, DocumentKind, DocumentVersion, VersionStatus
from art28.legal.selectors import (
    acceptances_of_document,
    all_documents,
    document_by_slug,
    organisations_not_accepting,
    version_in_force,
)
from art28.legal.services import (
    LEGAL_WRITERS,
    can_write,
    document_create,
    document_title_update,
    notice_days,
    version_discard,
    version_draft,
    version_publish,
    version_update,
)
from art28.legal.source import render_document

staff_reader = role_required(*STAFF_ROLES)
writer = role_required(*LEGAL_WRITERS)
NOT_ACCEPTED_SHOWN = 200


@staff_reader
def document_list(request: HttpRequest) -> HttpResponse:
    rows = [
        (d, version_in_force(d), [v for v in d.versions.all() if v.status == VersionStatus.DRAFT])
        for d in all_documents()
    ]
    return render(request, "legal/documents.html", {"rows": rows, "can_write": can_write(request_user(request))})


@writer
def document_new(request: HttpRequest) -> HttpResponse:
    form = f.DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            document = document_create(
                actor=request_user(request),
                slug=data["slug"],
                kind=data["kind"],
                title=data["title"],
                requires_acceptance=data["requires_acceptance"],
                position=data["position"],
                title_i18n=form.translations()["title_i18n"],
            )
        except ValidationError as exc:
            f.add_errors(form, exc)
        else:
            messages.success(request, _("%(title)s was created: write its first version.") % {"title": document.title})
            return redirect("legal:document", slug=document.slug)
    return render(request, "legal/document_new.html", {"form": form}, status=400 if form.errors else 200)


def _title_form(document: Document) -> f.TitleForm:
    form = f.TitleForm(initial={"title": document.title})
    form.initial_translations(document)
    return form


@writer
@require_POST
def document_title(request: HttpRequest, slug: str) -> HttpResponse:
    """The document's title in every language (not part of any version: it may change at any time)."""
    document = document_by_slug(slug)
    form = f.TitleForm(request.POST)
    if form.is_valid():
        try:
            document_title_update(
                actor=request_user(request),
                document=document,
                title=form.cleaned_data["title"],
                title_i18n=form.translations()["title_i18n"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Nothing was saved: the English title is required."))
    return redirect("legal:document", slug=slug)


def _version_form(version: DocumentVersion | None, *, summary: bool = True) -> f.VersionForm:
    """A version form filled from ``version`` (every language); a new draft starts from the latest
    published texts, without their summaries."""
    summary_text = version.change_summary if summary and version else ""
    form = f.VersionForm(initial={"body": version.body if version else "", "change_summary": summary_text})
    if version is not None:
        form.initial.update({f"body__{code}": text for code, text in (version.body_i18n or {}).items()})
        if summary:
            form.initial.update(
                {f"change_summary__{code}": text for code, text in (version.change_summary_i18n or {}).items()}
            )
    return form


def _version(document: Document, number: int) -> DocumentVersion:
    return get_object_or_404(DocumentVersion, document=document, number=number)


@staff_reader
def document_page(request: HttpRequest, slug: str) -> HttpResponse:
    document = document_by_slug(slug)
    versions = list(document.versions.select_related("published_by", "created_by"))
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    latest = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    return render(
        request,
        "legal/document.html",
        {
            "document": document,
            "versions": versions,
            "in_force": version_in_force(document),
            "draft": draft,
            "can_write": can_write(request_user(request)),
            "new_form": _version_form(latest, summary=False) if not draft else None,
            "title_form": _title_form(document),
        },
    )


@writer
@require_POST
def version_new(request: HttpRequest, slug: str) -> HttpResponse:
    document = document_by_slug(slug)
    form = f.VersionForm(request.POST)
    if form.is_valid():
        try:
            version = version_draft(actor=request_user(request), document=document, **form.service_kwargs())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Draft version %(number)s saved.") % {"number": version.number})
            return redirect("legal:version", slug=slug, number=version.number)
    else:
        messages.error(request, _("Nothing was saved: the text is required."))
    return redirect("legal:document", slug=slug)


def _version_page(
    request: HttpRequest,
    version: DocumentVersion,
    *,
    edit_form: f.VersionForm | None = None,
    publish_form: f.PublishForm | None = None,
) -> HttpResponse:
    writable = can_write(request_user(request)) and version.status == VersionStatus.DRAFT
    earliest = timezone.localdate()
    # The preview: the English text, or ``?lang=`` another language's (the English one, marked, if none).
    wanted = request.GET.get("lang", DEFAULT_LANGUAGE)
    text = localized(version, "body", wanted if wanted in dict(settings.LANGUAGES) else DEFAULT_LANGUAGE)
    is_dpa = version.document.kind == DocumentKind.DPA
    return render(
        request,
        "legal/version.html",
        {
            "document": version.document,
            "version": version,
            "html": render_document(text.text),
            "front_matter": front_matter(version.body),
            # GDPR Art. 28(2): what accepting this version authorises; Art. 28(3): the clauses it has.
            "grant": authorisation_grant(version.body) if is_dpa else None,
            "checklist": clause_checklist(version.body) if is_dpa else None,
            "can_write": writable,
            "edit_form": edit_form or (_version_form(version) if writable else None),
            "missing": [(code, language_name(code)) for code in missing_languages(version, ("body",))],
            "preview": text,
            "preview_languages": [
                (code, language_name(code), "?" + urlencode({"lang": code}))
                for code in all_languages(version, "body")
                if code != text.language
            ],
            "publish_form": publish_form or (f.PublishForm(initial={"effective_on": earliest}) if writable else None),
            "notice_days": notice_days(),
        },
        status=400 if (edit_form and edit_form.errors) or (publish_form and publish_form.errors) else 200,
    )


@staff_reader
def version_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _version_page(request, _version(document_by_slug(slug), number))


@writer
@require_POST
def version_edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = _version(document_by_slug(slug), number)
    form = f.VersionForm(request.POST)
    if form.is_valid():
        try:
            version_update(actor=request_user(request), version=version, **form.service_kwargs())
        except ValidationError as exc:
            f.add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("legal:version", slug=slug, number=number)
    return _version_page(request, version, edit_form=form)


@writer
@require_POST
def version_publish_view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = _version(document_by_slug(slug), number)
    form = f.PublishForm(request.POST)
    if form.is_valid():
        try:
            version_publish(
                actor=request_user(request), version=version, effective_on=form.cleaned_data["effective_on"]
            )
        except ValidationError as exc:
            f.add_errors(form, exc)
        else:
            messages.success(request, _("Version %(number)s is published.") % {"number": number})
            return redirect("legal:version", slug=slug, number=number)
    return _version_page(request, version, publish_form=form)


@writer
@require_POST
def version_discard_view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = _version(document_by_slug(slug), number)
    try:
        version_discard(actor=request_user(request), version=version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("legal:version", slug=slug, number=number)
    messages.success(request, _("The draft was discarded."))
    return redirect("legal:document", slug=slug)


@staff_reader
def acceptance_report(request: HttpRequest, slug: str) -> HttpResponse:
    """Which customers accepted which version, who and when; which have not accepted the version in force."""
    document = document_by_slug(slug)
    in_force = version_in_force(document)
    missing = organisations_not_accepting(in_force) if in_force else None
    return render(
        request,
        "legal/acceptances.html",
        {
            "document": document,
            "in_force": in_force,
            "acceptances": acceptances_of_document(document),
            "missing": list(missing[:NOT_ACCEPTED_SHOWN]) if missing is not None else [],
            "missing_count": missing.count() if missing is not None else 0,
        },
    )

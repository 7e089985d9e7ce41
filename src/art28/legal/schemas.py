"""The legal API's request and response shapes (legal/api.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from art28.core.translated import all_languages
from art28.legal.models import Acceptance, Document, DocumentKind, DocumentVersion

I18N_HELP = 'Every language that has a text, English first: {"en": "…", "fr": "…"}'


class DocumentOut(Schema):
    slug: str
    kind: str
    title: str = Field(description="in English")
    title_i18n: dict[str, str] = Field(description=I18N_HELP)
    requires_acceptance: bool
    version_in_force: int | None
    upcoming_versions: list[int]


class VersionOut(Schema):
    document: str
    number: int
    status: str
    effective_on: dt.date | None
    published_at: dt.datetime | None
    change_summary: str = Field(description="in English")
    change_summary_i18n: dict[str, str] = Field(description=I18N_HELP)


class GrantOut(Schema):
    """What accepting a DPA version authorises (GDPR Art. 28(2)), from its front matter."""

    authorisation: str
    notice_days: int


class ClauseCheckOut(Schema):
    """One clause GDPR Art. 28(3) requires of a DPA, and the lines where this version marks it."""

    id: str
    article: str
    title: str
    swiss: str
    present: bool
    lines: list[int]


class VersionTextOut(VersionOut):
    markdown: str = Field(description="the English text")
    html: str = Field(description="the English text's HTML")
    body_i18n: dict[str, str] = Field(
        description='The Markdown text in every language it has, English first: {"en": …, "fr": …}'
    )
    html_i18n: dict[str, str] = Field(description="The HTML of each text in body_i18n")
    front_matter: dict[str, str] = {}
    grants: GrantOut | None = None
    clauses: list[ClauseCheckOut] | None = Field(None, description="DPA only: the Art. 28(3) checklist")


class VersionIn(Schema):
    body: str = Field(description="the English text, in Markdown (required)")
    change_summary: str = ""
    body_i18n: dict[str, Any] | None = Field(
        None, description='The French, German and Italian texts, {"fr": "…"}; omitted on an edit: unchanged'
    )
    change_summary_i18n: dict[str, Any] | None = Field(None, description="What changed, in the other languages")


class PublishIn(Schema):
    effective_on: dt.date


class DiffLineOut(Schema):
    op: str
    old_line: int | None
    new_line: int | None
    segments: list[dict[str, str]]


class DiffOut(Schema):
    document: str
    language: str = Field(description="The language asked for (?language=, default en)")
    from_version: int
    to_version: int
    from_language: str = Field(description="The language of the older text compared (en where it has none)")
    to_language: str = Field(description="The language of the newer text compared (en where it has none)")
    stats: dict[str, int]
    lines: list[DiffLineOut]
    redline: str = Field(description="The newer version's HTML with <ins> and <del> marking the changes")


class AcceptanceOut(Schema):
    document: str
    version: int
    accepted_by: str
    accepted_at: dt.datetime
    method: str
    language: str = Field(description="The language of the text accepted")
    text_sha256: str = Field(description="The SHA-256 of the exact Markdown text accepted (UTF-8)")


class AcceptIn(Schema):
    document: str
    version: int
    language: Literal["en", "fr", "de", "it"] = Field(
        "en", description="The language of the text you read and accept (English where the version has none)"
    )


def version_text_out(version: DocumentVersion, html: str) -> VersionTextOut:
    from art28.legal.clauses import authorisation_grant, clause_checklist, front_matter
    from art28.legal.source import render_document

    is_dpa = version.document.kind == DocumentKind.DPA
    grant = authorisation_grant(version.body) if is_dpa else None
    return VersionTextOut(
        **version_out(version).dict(),
        markdown=version.body,
        html=html,
        body_i18n=all_languages(version, "body"),
        html_i18n={code: str(render_document(text)) for code, text in all_languages(version, "body").items()},
        front_matter=front_matter(version.body),
        grants=GrantOut(authorisation=grant.authorisation, notice_days=grant.notice_days) if grant else None,
        clauses=[
            ClauseCheckOut(
                id=c.clause.id,
                article=c.clause.article,
                title=str(c.clause.title),
                swiss=c.clause.swiss,
                present=c.present,
                lines=c.lines,
            )
            for c in clause_checklist(version.body)
        ]
        if is_dpa
        else None,
    )


def version_out(version: DocumentVersion) -> VersionOut:
    return VersionOut(
        document=version.document.slug,
        number=version.number,
        status=version.status,
        effective_on=version.effective_on,
        published_at=version.published_at,
        change_summary=version.change_summary,
        change_summary_i18n=all_languages(version, "change_summary"),
    )


def acceptance_out(acceptance: Acceptance) -> AcceptanceOut:
    return AcceptanceOut(
        document=acceptance.version.document.slug,
        version=acceptance.version.number,
        accepted_by=acceptance.accepted_by_label,
        accepted_at=acceptance.accepted_at,
        method=acceptance.method,
        language=acceptance.language,
        text_sha256=acceptance.text_sha256,
    )


def document_out(document: Document, in_force: DocumentVersion | None, upcoming: list[DocumentVersion]) -> DocumentOut:
    return DocumentOut(
        slug=document.slug,
        kind=document.kind,
        title=document.title,
        title_i18n=all_languages(document, "title"),
        requires_acceptance=document.requires_acceptance,
        version_in_force=in_force.number if in_force else None,
        upcoming_versions=[v.number for v in upcoming],
    )

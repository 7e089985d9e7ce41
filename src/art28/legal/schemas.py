"""The legal API's request and response shapes (legal/api.py)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from art28.legal.models import Acceptance, Document, DocumentKind, DocumentVersion


class DocumentOut(Schema):
    slug: str
    kind: str
    title: str
    requires_acceptance: bool
    version_in_force: int | None
    upcoming_versions: list[int]


class VersionOut(Schema):
    document: str
    number: int
    status: str
    effective_on: dt.date | None
    published_at: dt.datetime | None
    change_summary: str


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
    markdown: str
    html: str
    front_matter: dict[str, str] = {}
    grants: GrantOut | None = None
    clauses: list[ClauseCheckOut] | None = Field(None, description="DPA only: the Art. 28(3) checklist")


class VersionIn(Schema):
    body: str = Field(description="the text, in Markdown")
    change_summary: str = ""


class PublishIn(Schema):
    effective_on: dt.date


class DiffLineOut(Schema):
    op: str
    old_line: int | None
    new_line: int | None
    segments: list[dict[str, str]]


class DiffOut(Schema):
    document: str
    from_version: int
    to_version: int
    stats: dict[str, int]
    lines: list[DiffLineOut]
    redline: str = Field(description="The newer version's HTML with <ins> and <del> marking the changes")


class AcceptanceOut(Schema):
    document: str
    version: int
    accepted_by: str
    accepted_at: dt.datetime
    method: str


class AcceptIn(Schema):
    document: str
    version: int


def version_text_out(version: DocumentVersion, html: str) -> VersionTextOut:
    from art28.legal.clauses import authorisation_grant, clause_checklist, front_matter

    is_dpa = version.document.kind == DocumentKind.DPA
    grant = authorisation_grant(version.body) if is_dpa else None
    return VersionTextOut(
        **version_out(version).dict(),
        markdown=version.body,
        html=html,
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
    )


def acceptance_out(acceptance: Acceptance) -> AcceptanceOut:
    return AcceptanceOut(
        document=acceptance.version.document.slug,
        version=acceptance.version.number,
        accepted_by=acceptance.accepted_by_label,
        accepted_at=acceptance.accepted_at,
        method=acceptance.method,
    )


def document_out(document: Document, in_force: DocumentVersion | None, upcoming: list[DocumentVersion]) -> DocumentOut:
    return DocumentOut(
        slug=document.slug,
        kind=document.kind,
        title=document.title,
        requires_acceptance=document.requires_acceptance,
        version_in_force=in_force.number if in_force else None,
        upcoming_versions=[v.number for v in upcoming],
    )

"""The notice of a new version of a document customers accept: who is told, and what they read.

GDPR Art. 28(3),(9): the DPA and the terms bind the customer; a new version is announced before it takes
effect to exactly the customers who accepted an earlier version, once each, in their language, with the
title, what changed, the effective date and a link to the diff from the version they accepted.

The notice is addressed to the organisation, so it is written in the organisation's language: the title
and what changed in that language where the version has them (else the English, marked as such), the
links to the text and the diff in that language, and a line naming the languages the new text exists in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from art28.core.audit import jsonable
from art28.core.dpo import dpo_profile
from art28.core.models import Organisation
from art28.core.translated import all_languages, language_name, localized
from art28.legal.models import Acceptance, Document, DocumentVersion
from art28.notify.services import Draft, messages_create

TOPIC = "legal.document-version"
SOURCE_TYPE = "legal.documentversion"
SUBJECT_MAX = 300


def accepting_organisations(document: Document) -> list[tuple[Organisation, int]]:
    """Each customer that accepted some version of ``document``, once, with the last number it accepted."""
    last = dict(
        Acceptance.objects.filter(version__document=document)
        .values("organisation_id")
        .annotate(number=Max("version__number"))
        .values_list("organisation_id", "number")
    )
    organisations = Organisation.objects.filter(pk__in=last).order_by("ref")
    return [(organisation, last[organisation.pk]) for organisation in organisations]


def _lang(language: str | None) -> dict[str, str]:
    return {"lang": language} if language else {}


def diff_url(document: Document, from_number: int, to_number: int, language: str | None = None) -> str:
    path = reverse("trust:policy_diff", kwargs={"slug": document.slug} | _lang(language))
    return f"{settings.ART28_BASE_URL.rstrip('/')}{path}?from={from_number}&to={to_number}"


def policy_url(version: DocumentVersion, language: str | None = None) -> str:
    path = reverse(
        "trust:policy_version", kwargs={"slug": version.document.slug, "number": version.number} | _lang(language)
    )
    return settings.ART28_BASE_URL.rstrip("/") + path


def render_texts(version: DocumentVersion, *, language: str, from_number: int) -> dict[str, str]:
    context: dict[str, Any] = {
        "version": version,
        "document": version.document,
        "from_number": from_number,
        "diff_url": diff_url(version.document, from_number, version.number, language),
        "policy_url": policy_url(version, language),
        "portal_url": settings.ART28_BASE_URL.rstrip("/") + reverse("portal:documents"),
        "provider_name": settings.ART28_PROVIDER_NAME,
        "dpo_email": dpo_profile().email,
    }
    with translation.override(language):
        context |= {
            "title": localized(version.document, "title", language).text,
            "summary": localized(version, "change_summary", language),
            "text": localized(version, "body", language),
            "text_languages": ", ".join(language_name(code) for code in all_languages(version, "body")),
        }
        subject = render_to_string("legal/notice/new_version_subject.txt", context)
        body = render_to_string("legal/notice/new_version_body.txt", context)
    lines = [line.rstrip() for line in body.strip().splitlines()]
    return {"subject": " ".join(subject.split())[:SUBJECT_MAX], "body": "\n".join(lines) + "\n"}


def notify_accepting(version: DocumentVersion, accepting: list[tuple[Organisation, int]]) -> int:
    """Write one outbox message per customer in ``accepting`` (inside the publishing transaction).
    Texts are rendered once per (language, version accepted), not once per customer."""
    if not accepting:
        return 0
    texts: dict[tuple[str, int], dict[str, str]] = {}
    drafts = []
    for organisation, from_number in accepting:
        language = organisation.language or "en"
        key = (language, from_number)
        if key not in texts:
            texts[key] = render_texts(version, language=language, from_number=from_number)
        text = texts[key]
        drafts.append(
            Draft(
                organisation=organisation,
                subject=text["subject"],
                body_text=text["body"].replace("{customer_name}", organisation.name),
                language=language,
                payload=jsonable(
                    {
                        "type": "art28/legal-document-version",
                        "document": version.document.slug,
                        "title": version.document.title,
                        "title_i18n": all_languages(version.document, "title"),
                        "version": version.number,
                        "accepted_version": from_number,
                        "effective_on": version.effective_on,
                        "change_summary": version.change_summary,
                        "change_summary_i18n": all_languages(version, "change_summary"),
                        "diff_url": diff_url(version.document, from_number, version.number),
                    }
                ),
            )
        )
    messages_create(topic=TOPIC, drafts=drafts, source_type=SOURCE_TYPE, source_id=version.pk)
    return len(drafts)

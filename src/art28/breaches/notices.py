"""Composing breach notices: the processor → controller notice of GDPR Art. 33(2) / nFADP Art. 24(3).

Content (GDPR Art. 33(3), DSV Art. 15(1)): the nature of the breach; the categories and approximate
numbers of data subjects and of records (the customer's own, from the frozen impact: categories of data
subjects, GDPR Art. 33(3)(a) / DSV Art. 15(1)(d), and of personal data); the time and
duration (a Swiss requirement: DSV Art. 15(1)(b)); the likely consequences; the measures taken or
proposed; the contact point (the DPO). Information may follow in phases (Art. 33(4), DSV Art. 15(2)):
first notice, updates, final report.

A notice's text exists once per language (EN, FR, DE, IT), rendered from a Django template through the
translation catalogues with ``translation.override``; a person may edit it before sending. The
customer's own facts are placeholders (``{subjects}`` …) filled in for each customer when it is sent,
so that one edited text serves thousands of customers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from art28.breaches.models import AffectedCustomer, Incident, Nature, Notice
from art28.core.audit import jsonable
from art28.core.dpo import dpo_profile
from art28.core.glossary import GlossaryTexts
from art28.core.models import CategoryKind, DpoProfile, Language, Organisation

PLACEHOLDERS = (
    "customer_name",
    "customer_ref",
    "subjects",
    "records",
    "data_categories",
    "subject_categories",
    "assets",
)
# What each placeholder becomes, for the person editing the text (the editor lists them).
PLACEHOLDER_HELP = {
    "customer_name": _("the customer's name"),
    "customer_ref": _("the customer's reference"),
    "subjects": _("the approximate number of the customer's data subjects concerned"),
    "records": _("the approximate number of the customer's personal data records concerned"),
    "data_categories": _("the categories of the customer's personal data concerned"),
    "subject_categories": _("the categories of the customer's data subjects concerned"),
    "assets": _("the customer's systems concerned"),
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
LANGUAGES = tuple(code for code, _label in Language.choices)
SUBJECT_MAX = 300


def notice_context(incident: Incident, *, kind: str, sequence: int) -> dict[str, Any]:
    """What the notice template needs (everything but the customer's own facts)."""
    return {
        "incident": incident,
        "kind": kind,
        "sequence": sequence,
        "natures": [Nature(code).label for code in incident.natures],
        "provider_name": settings.ART28_PROVIDER_NAME,
        "dpo_name": (dpo := dpo_profile()).name,
        "dpo_email": dpo.email,
        "commitment_hours": settings.ART28_BREACH_NOTICE_HOURS,
        "time_zone": settings.TIME_ZONE,
    }


def render_default(incident: Incident, *, kind: str, sequence: int, language: str) -> dict[str, str]:
    """The default subject and body in ``language``, with the per-customer placeholders left in."""
    context = notice_context(incident, kind=kind, sequence=sequence)
    with translation.override(language):
        subject = render_to_string("breaches/notice/subject.txt", context)
        body = render_to_string("breaches/notice/body.txt", context)
    return {"subject": " ".join(subject.split())[:SUBJECT_MAX], "body": _tidy(body)}


def _tidy(text: str) -> str:
    """Template whitespace out: no trailing spaces, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out) + "\n"


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def clean_texts(texts: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Check edited texts: known languages, a subject and a body each, only known placeholders."""
    cleaned: dict[str, dict[str, str]] = {}
    errors: list[str] = []
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    for language, text in texts.items():
        if language not in LANGUAGES:
            errors.append(f"unknown language {language!r} (one of {', '.join(LANGUAGES)})")
            continue
        subject = " ".join(str((text or {}).get("subject", "")).split())
        body = str((text or {}).get("body", "")).replace("\r\n", "\n")
        if not subject or not body.strip():
            errors.append(f"{language}: a notice needs a subject and a body")
        if len(subject) > SUBJECT_MAX:
            errors.append(f"{language}: the subject is longer than {SUBJECT_MAX} characters")
        if unknown := unknown_placeholders(subject + body):
            names = ", ".join("{" + name + "}" for name in unknown)
            errors.append(f"{language}: unknown placeholder {names}; the known ones are {known}")
        cleaned[language] = {"subject": subject, "body": body}
    if errors:
        raise ValidationError(errors)
    return cleaned


def customer_values(
    row: AffectedCustomer, organisation: Organisation, language: str, glossary: GlossaryTexts | None = None
) -> dict[str, str]:
    """The customer's own facts as text in their language (numbers grouped the local way; the categories
    from the glossary, a term without translation in English marked as such). ``glossary`` is read once by
    a caller writing to many customers."""
    glossary = glossary or GlossaryTexts()
    with translation.override(language):
        return {
            "customer_name": organisation.name,
            "customer_ref": organisation.ref,
            "subjects": formats.number_format(row.subjects, force_grouping=True),
            "records": formats.number_format(row.records, force_grouping=True),
            "data_categories": glossary.text(row.category_list, CategoryKind.DATA, language) or "—",
            "subject_categories": glossary.text(row.subject_category_list, CategoryKind.SUBJECTS, language) or "—",
            "assets": ", ".join(row.asset_list) or "—",
        }


def fill(text: str, values: dict[str, str]) -> str:
    """Replace the known placeholders (only those: a brace elsewhere stays as written)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def customer_text(
    texts: dict[str, dict[str, str]], row: AffectedCustomer, glossary: GlossaryTexts | None = None
) -> dict[str, str]:
    """The subject and body one affected customer receives: its language's text with its own facts filled
    in. Sending and the staff preview both go through here, so the preview is what the customer reads.
    ``glossary`` (the data categories' terms) is read once by a caller writing to many customers."""
    organisation = row.organisation
    language = organisation.language or "en"
    values = customer_values(row, organisation, language, glossary)
    text = texts[language]
    return {"subject": fill(text["subject"], values), "body": fill(text["body"], values), "language": language}


def needed_languages(languages: Iterable[str]) -> list[str]:
    """The notice languages for customers speaking ``languages``, in a stable order (English by default)."""
    found = {code or "en" for code in languages}
    return [code for code in LANGUAGES if code in found] or ["en"]


def complete_texts(notice: Notice, incident: Incident, languages: Iterable[str]) -> dict[str, dict[str, str]]:
    """The notice's texts, with the default added for each needed language nobody wrote yet, in the stable
    language order (PostgreSQL's jsonb does not keep the order the texts were saved in)."""
    texts = dict(notice.texts)
    for language in languages:
        if language not in texts:
            texts[language] = render_default(incident, kind=notice.kind, sequence=notice.sequence, language=language)
    rank = {code: index for index, code in enumerate(LANGUAGES)}
    return dict(sorted(texts.items(), key=lambda item: rank.get(item[0], len(rank))))


def payload(incident: Incident, notice: Notice, row: AffectedCustomer, *, dpo: DpoProfile) -> dict[str, Any]:
    """The machine-readable notice (webhooks): the full content of the text, for one customer, so that a
    controller's tooling needs nothing else to document and report the breach. ``dpo`` is read once by the
    caller (the contact point, the same for every customer).

    GDPR Art. 33(3): (a) ``nature``, ``impact.subject_categories`` / ``impact.subjects``,
    ``impact.data_categories`` / ``impact.records``; (b) ``contact``; (c) ``likely_consequences``;
    (d) ``measures``. DSV Art. 15(1) adds (b) the time and duration: ``started_at``, ``ended_at`` (null while
    ``ongoing``), ``duration_seconds``, and when the provider became aware, ``aware_at``. A fact not known
    yet is null, and follows in a later notice (Art. 33(4), DSV Art. 15(2)). Keys only ever get added.
    """
    duration = (incident.ended_at - incident.started_at).total_seconds() if incident.ended_at else None
    return jsonable(
        {
            "type": "art28/breach-notice",
            "incident": incident.ref,
            "notice": {"kind": notice.kind, "sequence": notice.sequence},
            "title": incident.title,
            "description": incident.description or None,
            "nature": incident.natures,
            "started_at": incident.started_at,
            "ended_at": incident.ended_at,
            "ongoing": incident.ended_at is None,
            "duration_seconds": int(duration) if duration is not None else None,
            "aware_at": incident.aware_at,
            "impact": {
                "assets": row.asset_list,
                "data_categories": row.category_list,
                "subject_categories": row.subject_category_list,
                "subjects": row.subjects,
                "records": row.records,
                "figures_are_estimates": True,
            },
            "likely_consequences": incident.consequences or None,
            "measures": incident.measures or None,
            "contact": {"name": dpo.name, "email": dpo.email},
            "provider_commitment_hours": settings.ART28_BREACH_NOTICE_HOURS,
        }
    )

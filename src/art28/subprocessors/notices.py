"""The texts of change notices: what the customers concerned are told when a change is announced or
withdrawn (GDPR Art. 28(2), DSV Art. 7), rendered from Django templates in each customer's language.

One text per (language, authorisation), with the customer's name left as ``{customer_name}`` and
filled in per customer, so that a change announced to 100,000 customers renders eight texts, not
100,000.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from art28.core.adequacy import Law, ground_text
from art28.core.audit import jsonable
from art28.core.countries import country_name
from art28.core.dpo import dpo_profile
from art28.core.glossary import GlossaryTexts
from art28.core.models import CategoryKind, DpoProfile, Organisation
from art28.core.translated import Localized, all_languages, language_name, localized
from art28.notify.services import Draft
from art28.subprocessors.models import Change, FlowDownAgreement, SubProcessor
from art28.subprocessors.rules import needs_answer
from art28.subprocessors.selectors import agreement_in_place_for

TOPIC = "subprocessor.change"
TOPIC_WITHDRAWN = "subprocessor.change-withdrawn"
SOURCE_TYPE = "subprocessors.change"
SUBJECT_MAX = 300
EVENTS = {"announce": "announced", "withdraw": "withdrawn"}


@functools.cache
def _portal_path_template() -> str:
    return reverse("portal:subprocessor_change", kwargs={"change_id": 999999999}).replace("999999999", "{id}")


def portal_url(change: Change) -> str:
    """Where the customer objects or consents (absolute, for e-mail)."""
    return settings.ART28_BASE_URL.rstrip("/") + _portal_path_template().format(id=change.pk)


def _tidy(text: str) -> str:
    """Template whitespace out: no trailing spaces, at most one blank line in a row."""
    out: list[str] = []
    for line in (line.rstrip() for line in text.strip().splitlines()):
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out) + "\n"


def _countries(sp: SubProcessor) -> str:
    return ", ".join(f"{country_name(code)} ({code})" for code in sp.country_list)


def _chain_names(sp: SubProcessor) -> list[str]:
    names, current, seen = [], sp.engaged_by, {sp.pk}
    while current is not None and current.pk not in seen:
        names.append(current.legal_name)
        seen.add(current.pk)
        current = current.engaged_by
    return names


def _grounds(sp: SubProcessor) -> list[dict[str, str]]:
    """Per country of processing, its ground under each law (GDPR Art. 44-46, nFADP Art. 16): what a
    controller needs to check the disclosure, in the notice's language. Switzerland is a third country
    for the GDPR and an EEA state a foreign one for the nFADP, so every country has something to say."""
    return [
        {"country": country, "gdpr": ground_text(grounds[Law.GDPR]), "nfadp": ground_text(grounds[Law.NFADP])}
        for country, grounds in sp.grounds(timezone.localdate())
    ]


def marked(text: Localized) -> str:
    """Plain text: the text, or the English stand-in followed by "[not available in <language>]" in the
    active language (art28.core.translated: never a silent fallback)."""
    if not text.missing:
        return text.text
    marker = gettext("not available in %(language)s") % {"language": language_name(text.wanted)}
    return f"{text.text} [{marker}]"


def in_language(obj: Any, field: str) -> str:
    """A translatable text in the active language (the notice's); the English text where none is, marked
    so in the notice's language."""
    return marked(localized(obj, field))


def categories_in_language(value: str, glossary: GlossaryTexts, language: str) -> str:
    """The stored data categories named by the glossary in ``language`` (GDPR Art. 28(2): the customer
    must understand what the new sub-processor may process); a term without a translation (or outside
    the glossary) in English, marked like any other untranslated text of the notice."""
    return "; ".join(marked(term) for term in glossary.terms(value, CategoryKind.DATA, language))


def _context(
    change: Change,
    services: list[str],
    authorisation: str,
    dpo: DpoProfile,
    glossary: GlossaryTexts,
    language: str,
    agreement: FlowDownAgreement | None,
) -> dict[str, Any]:
    sp = change.subprocessor
    return {
        # GDPR Art. 28(4): the agreement binding the sub-processor brought in (its date, never the document).
        "agreement": agreement if needs_answer(change.kind) else None,
        "purpose": in_language(sp, "purpose"),
        "change": change,
        "kind": change.kind,
        "sp": sp,
        "replaces": change.replaces,
        "countries": _countries(sp),
        "grounds": _grounds(sp),
        "categories": categories_in_language(sp.data_categories, glossary, language),
        "engaged_by": _chain_names(sp),
        "services": ", ".join(services),
        "authorisation": authorisation,
        "needs_answer": needs_answer(change.kind),
        "portal_url": portal_url(change),
        "provider_name": settings.ART28_PROVIDER_NAME,
        "dpo_name": dpo.name,
        "dpo_email": dpo.email,
    }


def render_texts(
    change: Change,
    *,
    which: str,
    language: str,
    authorisation: str,
    dpo: DpoProfile | None = None,
    glossary: GlossaryTexts | None = None,
    agreement: FlowDownAgreement | None = None,
) -> dict[str, str]:
    """``which`` is ``announce`` or ``withdraw``; the subject and body with ``{customer_name}`` left in.
    ``glossary``: the data categories' terms, read once for every language of one announcement;
    ``agreement``: the sub-processor's flow-down agreement in place (GDPR Art. 28(4))."""
    with translation.override(language):
        services = [in_language(s, "name") for s in change.services.all()]
        context = _context(
            change, services, authorisation, dpo or dpo_profile(), glossary or GlossaryTexts(), language, agreement
        )
        subject = render_to_string(f"subprocessors/notice/{which}_subject.txt", context)
        body = render_to_string(f"subprocessors/notice/{which}_body.txt", context)
    return {"subject": " ".join(subject.split())[:SUBJECT_MAX], "body": _tidy(body)}


def payload(
    change: Change, authorisation: str, *, event: str, agreement: FlowDownAgreement | None = None
) -> dict[str, Any]:
    """The machine-readable notice (webhooks, API); ``flow_down_agreement``: the agreement in place binding
    the sub-processor an addition or replacement brings in (GDPR Art. 28(4)), or null."""
    sp = change.subprocessor
    bound = agreement if agreement is not None and needs_answer(change.kind) else None
    return jsonable(
        {
            "type": f"art28/subprocessor-change-{event}",
            "change": change.pk,
            "kind": change.kind,
            "subprocessor": {
                "slug": sp.slug,
                "legal_name": sp.legal_name,
                "purpose": sp.purpose,
                "purpose_i18n": all_languages(sp, "purpose"),
                "countries": sp.country_list,
                "transfer_safeguard": sp.transfer_safeguard,
                "transfer_safeguard_i18n": all_languages(sp, "transfer_safeguard"),
                "transfer_grounds": sp.transfer_grounds(timezone.localdate()),
                "engaged_by": sp.engaged_by.slug if sp.engaged_by else None,
            },
            "replaces": change.replaces.slug if change.replaces else None,
            "services": [s.name for s in change.services.all()],
            "summary": change.summary,
            "effective_on": change.effective_on,
            "authorisation": authorisation,
            "portal_url": portal_url(change),
            "withdrawn_reason": change.withdrawn_reason or None,
            "flow_down_agreement": {
                "signed_on": bound.signed_on,
                "valid_until": bound.valid_until,
                "clauses": bound.clause_list,
            }
            if bound is not None
            else None,
        }
    )


def drafts_for(change: Change, recipients: Iterable[tuple[Organisation, str]], *, which: str) -> list[Draft]:
    """One outbox draft per customer, in its language, for its authorisation."""
    texts: dict[tuple[str, str], dict[str, str]] = {}
    payloads: dict[str, dict[str, Any]] = {}
    drafts = []
    dpo = dpo_profile()
    glossary = GlossaryTexts()
    agreement = agreement_in_place_for(change.subprocessor) if which == "announce" else None
    for organisation, authorisation in recipients:
        language = organisation.language or "en"
        key = (language, authorisation)
        if key not in texts:
            texts[key] = render_texts(
                change,
                which=which,
                language=language,
                authorisation=authorisation,
                dpo=dpo,
                glossary=glossary,
                agreement=agreement,
            )
        if authorisation not in payloads:
            payloads[authorisation] = payload(change, authorisation, event=EVENTS[which], agreement=agreement)
        text = texts[key]
        drafts.append(
            Draft(
                organisation=organisation,
                subject=text["subject"].replace("{customer_name}", organisation.name),
                body_text=text["body"].replace("{customer_name}", organisation.name),
                language=language,
                payload=payloads[authorisation],
            )
        )
    return drafts

"""``{% categories value "data" %}``: stored data categories (a ';'-separated text or a list of the English
terms) in the reader's language from the glossary (art28.core.glossary), each term without a translation
shown in English with the visible "not available in <language>" marker, joined by ", "; ``empty`` when none.

The glossary is read once per request, language and glossary (one query), however many rows a page lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from art28.core.glossary import glossary_names, localize_terms, split_terms, term_key
from art28.core.templatetags.translated import render_localized
from art28.core.translated import DEFAULT_LANGUAGE, Localized

register = template.Library()


def _names(context: template.Context, kind: str, language: str) -> dict[str, Localized]:
    holder: Any = context.get("request") or context
    cache: dict[tuple[str, str], dict[str, Localized]] = holder.__dict__.setdefault("_art28_glossary_names", {})
    key = (kind, language)
    if key not in cache:
        cache[key] = {term_key(name): text for name, text in glossary_names(kind, language).items()}
    return cache[key]


@register.simple_tag(takes_context=True)
def categories(
    context: template.Context, value: str | Iterable[str] | None, kind: str = "data", empty: str = "—"
) -> SafeString:
    terms = split_terms(value or "")
    if not terms:
        return format_html("{}", empty)
    language = (translation.get_language() or DEFAULT_LANGUAGE).split("-")[0]
    shown = localize_terms(terms, _names(context, kind, language), language)
    return SafeString(", ".join(render_localized(text) for text in shown))

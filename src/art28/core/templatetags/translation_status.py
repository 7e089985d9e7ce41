"""``{% translation_status obj "purpose" "transfer_safeguard" %}``: for staff, which languages a row's
translatable texts are in, e.g. "Translations: FR ✓ DE ✓ IT —" (art28.core.translated.missing_languages)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from art28.core.translated import language_name, missing_languages, other_languages

register = template.Library()


@register.simple_tag
def translation_status(obj: Any, *fields: str) -> SafeString:
    """One badge per other language: ✓ when every named field that has an English text is translated."""
    missing = set(missing_languages(obj, tuple(fields)))
    badges = format_html_join(
        " ",
        '<abbr title="{}" class="badge{}">{} {}</abbr>',
        (
            (
                language_name(code) + ": " + (_("missing") if code in missing else _("translated")),
                " warn" if code in missing else " ok",
                code.upper(),
                "—" if code in missing else "✓",
            )
            for code in other_languages()
        ),
    )
    return format_html('<span class="translation-status small">{} {}</span>', _("Translations:"), badges)

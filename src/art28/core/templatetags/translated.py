"""``{% tr obj "field" %}``: a translatable text in the reader's language, or the English text marked
"not available in <language>" (art28.core.translated). ``lines=True`` keeps the text's line breaks."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from art28.core.translated import Localized, language_name, localized

register = template.Library()


def render_localized(text: Localized, *, lines: bool = False, block: bool = False) -> SafeString:
    """The text, escaped; when it is the English stand-in, in a ``lang="en"`` span with the marker."""
    body = (
        SafeString(linebreaks(text.text, autoescape=True))
        if block
        else (_linebreaksbr(text.text) if lines else format_html("{}", text.text))
    )
    if not text.missing:
        return body
    marker = format_html(
        '<span class="untranslated" lang="{}">{}</span>',
        text.wanted,
        _("not available in %(language)s") % {"language": language_name(text.wanted)},
    )
    if block:
        return format_html('<div lang="en">{}</div> {}', body, marker)
    return format_html('<span lang="en">{}</span> {}', body, marker)


def _linebreaksbr(text: str) -> SafeString:
    return format_html_join(SafeString("<br>"), "{}", ((line,) for line in text.splitlines()))


@register.simple_tag
def tr(obj: Any, field: str, lines: bool = False, block: bool = False) -> SafeString:
    """``obj.<field>`` in the active language (see the module docstring)."""
    if obj is None:
        return SafeString("")
    return render_localized(localized(obj, field), lines=lines, block=block)


@register.filter
def language_in_text(code: str) -> str:
    """``{{ code|language_in_text }}``: the language's name as written inside a sentence of the active
    language ("en français", not Django's menu name "en Français")."""
    return language_name(code)


@register.simple_tag
def tr_text(obj: Any, field: str) -> str:
    """The plain text only, for attributes and titles (no marker)."""
    return localized(obj, field).text if obj is not None else ""

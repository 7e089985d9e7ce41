"""``{% packed entry "field" %}``: a text of a stored DPIA pack, marked "not available in <language>" when the
pack says it is the English stand-in (``<field>_language``; art28.core.translated)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from art28.core.templatetags.translated import render_localized
from art28.core.translated import Localized

register = template.Library()


@register.simple_tag
def packed(entry: dict[str, Any], field: str) -> SafeString:
    text = entry.get(field) or ""
    wanted = (get_language() or "en").split("-")[0]
    return render_localized(Localized(text, entry.get(f"{field}_language") or wanted, wanted))


@register.filter
def iso_day(value: str | None) -> dt.date | None:
    """A pack's ISO day (``2026-05-01``) as a date, for ``|date:"DATE_FORMAT"`` in the reader's language."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None

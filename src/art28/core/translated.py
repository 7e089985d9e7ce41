"""Content a customer reads, in the customer's language: one text field in the default language (English)
plus a sibling ``<field>_i18n`` JSON object with the other languages, e.g. ``{"fr": "…", "de": "…"}``.

Why a sibling JSON field and not a table of translations: the default-language column stays what every
query, export and search already reads (one source for the fact), a translation travels with its row
(no join, no N+1 on lists of thousands), and the audit trail's before/after shows it like any field.

The rules, in one place:
- English is required (the base field), French, German and Italian are optional;
- a page shows the text in the *user's* language where it exists, else the English text with a visible
  "not available in <language>" marker (never a silent fallback that looks like a translation);
- public JSON keeps each field as the default-language string and adds ``<field>_i18n`` with every
  language that has a text (English included), see ``all_languages``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

DEFAULT_LANGUAGE = "en"


def other_languages() -> tuple[str, ...]:
    """The languages a translation may be given in: every configured language but the default one."""
    return tuple(code for code, _name in settings.LANGUAGES if code != DEFAULT_LANGUAGE)


# Languages that write the name of a language in lowercase inside a sentence ("en français", "in tedesco"),
# where Django's names are capitalised for menus ("Français", "Tedesco").
LOWERCASE_LANGUAGE_NAMES = ("fr", "it")


def language_name(code: str) -> str:
    """The language's name in the active language, as written inside a sentence ("French" in English,
    "français" in French, "Französisch" in German)."""
    try:
        name = str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code
    if (translation.get_language() or DEFAULT_LANGUAGE).split("-")[0] in LOWERCASE_LANGUAGE_NAMES:
        return name[:1].lower() + name[1:]
    return name


def translations_field(verbose_name: Any = "") -> models.JSONField:
    """The sibling field of a translatable text: ``{"fr": "…", "de": "…", "it": "…"}``, empty = English only."""
    return models.JSONField(
        verbose_name or _("translations"),
        default=dict,
        blank=True,
        help_text="{language code: text}; the default language (English) is the field itself.",
    )


def clean_translations(value: Any, *, field: str) -> dict[str, str]:
    """A translations object as stored: known language codes only, text values, blanks dropped.

    Raises ValidationError naming ``<field>_i18n`` and the bad key, so an API or import caller learns
    which entry is wrong and nothing is saved."""
    if value in (None, ""):
        return {}
    name = f"{field}_i18n"
    if not isinstance(value, Mapping):
        raise ValidationError({name: _("Give the translations as an object of language code to text.")})
    allowed = other_languages()
    cleaned: dict[str, str] = {}
    for code, text in value.items():
        if code == DEFAULT_LANGUAGE:
            raise ValidationError({name: _("English is the field itself, not a translation.")})
        if code not in allowed:
            raise ValidationError(
                {
                    name: _("Unknown language %(code)s: use one of %(codes)s.")
                    % {"code": code, "codes": ", ".join(allowed)}
                }
            )
        if text is None:
            continue
        if not isinstance(text, str):
            raise ValidationError({name: _("The %(code)s text must be a string.") % {"code": code}})
        if text.strip():
            cleaned[code] = text.strip()
    return dict(sorted(cleaned.items()))


@dataclass(frozen=True)
class Localized:
    """A text as shown to a reader who asked for ``wanted``: ``language`` is the language it is really in."""

    text: str
    language: str
    wanted: str

    @property
    def missing(self) -> bool:
        """True when the reader's language has no text and the default one is shown instead."""
        return bool(self.text) and self.language != self.wanted

    def __str__(self) -> str:
        return self.text


def pick(default_text: str, translations: Mapping[str, str] | None, language: str | None = None) -> Localized:
    """The text in ``language`` (the active one when None), else the default-language text."""
    wanted = (language or translation.get_language() or DEFAULT_LANGUAGE).split("-")[0]
    if wanted != DEFAULT_LANGUAGE and (text := (translations or {}).get(wanted)):
        return Localized(text, wanted, wanted)
    return Localized(default_text or "", DEFAULT_LANGUAGE, wanted)


def localized(obj: Any, field: str, language: str | None = None) -> Localized:
    """``obj.<field>`` in the reader's language, from ``obj.<field>_i18n``."""
    return pick(getattr(obj, field) or "", getattr(obj, f"{field}_i18n", None), language)


def all_languages(obj: Any, field: str) -> dict[str, str]:
    """Every language that has a text for ``obj.<field>``, the default first: the public JSON's ``…_i18n``."""
    texts = {DEFAULT_LANGUAGE: getattr(obj, field) or ""}
    texts.update(getattr(obj, f"{field}_i18n", None) or {})
    return {code: text for code, text in texts.items() if text}


def missing_languages(obj: Any, fields: tuple[str, ...]) -> list[str]:
    """The languages in which at least one of ``fields`` has no text (for staff: what is left to translate)."""
    gaps = []
    for code in other_languages():
        if any(getattr(obj, name) and not (getattr(obj, f"{name}_i18n", None) or {}).get(code) for name in fields):
            gaps.append(code)
    return gaps

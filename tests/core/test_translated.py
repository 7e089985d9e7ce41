"""Translatable content (issue 11 item 2): the reader's language where it exists, else the English text
with a visible marker; translations validated before anything is saved; the public `…_i18n` object."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from art28.core.forms import TranslatedFieldsMixin
from art28.core.templatetags.translated import render_localized
from art28.core.translated import (
    Localized,
    all_languages,
    clean_translations,
    localized,
    missing_languages,
    pick,
)

ROW = SimpleNamespace(purpose="Backups", purpose_i18n={"fr": "Sauvegardes", "de": "Datensicherung"})


@pytest.mark.parametrize(
    ("language", "text", "missing"),
    [("en", "Backups", False), ("fr", "Sauvegardes", False), ("de", "Datensicherung", False), ("it", "Backups", True)],
)
def test_reader_language_else_english_marked_missing(language, text, missing):
    shown = localized(ROW, "purpose", language)
    assert (shown.text, shown.missing) == (text, missing)
    assert shown.language == ("en" if missing else language)


def test_active_language_is_the_default_reader_language():
    with translation.override("fr"):
        assert str(localized(ROW, "purpose")) == "Sauvegardes"
    with translation.override("de-ch"):
        assert str(localized(ROW, "purpose")) == "Datensicherung"


def test_an_empty_text_is_not_reported_missing():
    assert not pick("", {}, "fr").missing


def test_public_json_object_lists_every_language_with_a_text_english_first():
    assert all_languages(ROW, "purpose") == {"en": "Backups", "fr": "Sauvegardes", "de": "Datensicherung"}
    assert next(iter(all_languages(ROW, "purpose"))) == "en"


def test_missing_languages_names_what_is_left_to_translate():
    assert missing_languages(ROW, ("purpose",)) == ["it"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"xx": "?"}, "Unknown language xx"),
        ({"en": "Backups"}, "English is the field itself"),
        ({"fr": 3}, "must be a string"),
        (["fr"], "object of language code"),
    ],
)
def test_bad_translations_are_refused_naming_the_field(value, message):
    with pytest.raises(ValidationError) as caught:
        clean_translations(value, field="purpose")
    assert message in str(caught.value.message_dict["purpose_i18n"])


def test_blank_translations_are_dropped_and_text_trimmed():
    assert clean_translations({"it": "  ", "fr": " Sauvegardes ", "de": None}, field="purpose") == {"fr": "Sauvegardes"}


def test_template_tag_escapes_and_marks_the_english_stand_in():
    row = SimpleNamespace(purpose="<b>Backups</b>", purpose_i18n={"fr": "<i>Sauvegardes</i>"})
    template = Template('{% load translated %}{% tr row "purpose" %}')
    with translation.override("fr"):
        assert template.render(Context({"row": row})) == "&lt;i&gt;Sauvegardes&lt;/i&gt;"
    with translation.override("it"):
        html = template.render(Context({"row": row}))
    assert '<span lang="en">&lt;b&gt;Backups&lt;/b&gt;</span>' in html
    assert "untranslated" in html and 'lang="it"' in html


def test_the_french_marker_writes_the_language_in_lower_case_as_french_does_inside_a_sentence():
    """Django's standalone name is capitalised ("Italien"); inside a French sentence it is "en italien"."""
    with translation.override("fr"):
        html = render_localized(Localized("Backups", "en", "it"))
    assert '<span class="untranslated" lang="it">non disponible en italien</span>' in html
    assert "Italien" not in html


def test_the_glossarys_plain_text_marker_writes_the_language_in_lower_case_in_italian(db):
    from art28.core.glossary import GlossaryTexts

    assert GlossaryTexts().text("health data", "data", "it") == "health data (non disponibile in italiano)"


class PurposeForm(TranslatedFieldsMixin, forms.Form):
    translated_fields = ("purpose",)
    purpose = forms.CharField(label="Purpose", widget=forms.Textarea)
    website = forms.URLField(required=False)


def test_form_puts_each_language_beside_the_english_field():
    form = PurposeForm(data={"purpose": "Backups", "purpose__fr": "Sauvegardes", "purpose__it": ""})
    assert list(form.fields) == ["purpose", "purpose__fr", "purpose__de", "purpose__it", "website"]
    assert form.is_valid(), form.errors
    assert form.translations() == {"purpose_i18n": {"fr": "Sauvegardes", "de": "", "it": ""}}
    assert not form.fields["purpose__fr"].required
    assert [field.name for field in form.translation_rows()[0]] == [
        "purpose",
        "purpose__fr",
        "purpose__de",
        "purpose__it",
    ]


def test_block_and_lines_keep_paragraphs_and_stay_escaped():
    row = SimpleNamespace(bio="One <x>\nTwo\n\nThree", bio_i18n={})
    block = Template('{% load translated %}{% tr row "bio" block=True %}').render(Context({"row": row}))
    lines = Template('{% load translated %}{% tr row "bio" lines=True %}').render(Context({"row": row}))
    assert block == "<p>One &lt;x&gt;<br>Two</p>\n\n<p>Three</p>"
    assert lines == "One &lt;x&gt;<br>Two<br><br>Three"


@pytest.mark.parametrize(
    ("active", "names"),
    [
        ("en", ["French", "German", "Italian"]),
        ("fr", ["français", "allemand", "italien"]),
        ("de", ["Französisch", "Deutsch", "Italienisch"]),
        ("it", ["francese", "tedesco", "italiano"]),
    ],
)
def test_a_language_is_named_as_written_inside_a_sentence_of_the_active_language(active, names):
    """French and Italian write a language's name in lowercase ("en français"), where Django's menu names
    are capitalised ("Français"); English and German capitalise it."""
    from art28.core.translated import language_name

    with translation.override(active):
        assert [language_name(code) for code in ("fr", "de", "it")] == names
        rendered = Template("{% load translated %}{{ 'fr'|language_in_text }}").render(Context())
        assert rendered == names[0]

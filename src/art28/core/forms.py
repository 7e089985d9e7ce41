"""Forms for the pages of the core app, and the translation fields every staff form shares."""

from copy import deepcopy
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from art28.core.translated import language_name, other_languages


class DateInput(forms.DateInput):
    """The browser's own date picker (``<input type="date">``, ISO dates whatever the language)."""

    input_type = "date"


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “monitoring script”, so you can tell tokens apart."),
    )


class TranslatedFieldsMixin(forms.BaseForm):
    """Adds, after each field named in ``translated_fields``, one optional field per other language
    (``purpose__fr``, ``purpose__de`` …) with the same widget, so staff edit all languages side by side
    (templates: ``core/_translated_fields.html``). ``translations()`` gives the services'
    ``<field>_i18n`` arguments; ``initial_translations(obj)`` fills the fields from a saved row."""

    translated_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        ordered: dict[str, forms.Field] = {}
        for name, field in fields.items():
            ordered[name] = field
            if name in self.translated_fields:
                for code in other_languages():
                    copy = deepcopy(field)
                    copy.required = False
                    copy.label = f"{field.label} ({language_name(code)})"
                    copy.help_text = ""
                    copy.widget.attrs["lang"] = code
                    ordered[f"{name}__{code}"] = copy
        self.fields = ordered

    def initial_translations(self, obj: Any) -> None:
        for name in self.translated_fields:
            for code, text in (getattr(obj, f"{name}_i18n", None) or {}).items():
                self.initial[f"{name}__{code}"] = text

    def translations(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            f"{name}_i18n": {code: data.get(f"{name}__{code}") or "" for code in other_languages()}
            for name in self.translated_fields
        }

    def translation_rows(self) -> list[list[Any]]:
        """For the template: per translatable field, its bound fields in every language, English first."""
        return [
            [self[name]] + [self[f"{name}__{code}"] for code in other_languages()] for name in self.translated_fields
        ]

"""Forms of the staff legal pages; the rules themselves are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from art28.core.forms import TranslatedFieldsMixin
from art28.core.translated import language_name, other_languages
from art28.legal.models import CookieCategory, DocumentKind


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class DocumentForm(TranslatedFieldsMixin, forms.Form):
    translated_fields = ("title",)

    slug = forms.SlugField(label=_("Short name (slug)"), max_length=80, help_text=_("Its public address."))
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    requires_acceptance = forms.BooleanField(label=_("Customers accept it"), required=False)
    position = forms.IntegerField(label=_("Position in lists"), min_value=0, initial=0)


class TitleForm(TranslatedFieldsMixin, forms.Form):
    translated_fields = ("title",)

    title = forms.CharField(label=_("Title"), max_length=200)


class VersionForm(TranslatedFieldsMixin, forms.Form):
    """The text and what changed in English (required) and French, German and Italian (optional), each
    language a whole text: the template stacks them (``legal/_version_fields.html``), no narrow columns."""

    translated_fields = ("body", "change_summary")

    body = forms.CharField(label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 24, "cols": 100}))
    change_summary = forms.CharField(
        label=_("What changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the version and sent to the customers who accepted an earlier one."),
    )

    def service_kwargs(self) -> dict[str, Any]:
        """The services' arguments: the English fields and the ``…_i18n`` objects."""
        data = self.cleaned_data
        return {"body": data["body"], "change_summary": data.get("change_summary") or ""} | self.translations()

    def stacked_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Per language (English first): its name and its bound fields, for a stacked editor."""
        rows = [(str(_("English (required)")), [self["body"], self["change_summary"]])]
        for code in other_languages():
            rows.append((capfirst(language_name(code)), [self[f"body__{code}"], self[f"change_summary__{code}"]]))
        return rows


class PublishForm(forms.Form):
    effective_on = forms.DateField(label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"}))


class CookieForm(TranslatedFieldsMixin, forms.Form):
    """A cookie of the inventory; its purpose in every language side by side (English required)."""

    translated_fields = ("purpose",)

    name = forms.CharField(label=_("Name"), max_length=100)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))
    duration = forms.CharField(label=_("Duration"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=CookieCategory.choices)
    set_by = forms.CharField(label=_("Set by"), max_length=100, required=False)

    def service_kwargs(self) -> dict[str, Any]:
        """``cookie_save``'s arguments: the fields and ``purpose_i18n``."""
        return {name: self.cleaned_data[name] for name in self.base_fields} | self.translations()

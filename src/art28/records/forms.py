"""Staff forms of the records pages; the services check the rules, the forms only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from art28.core.forms import DateInput, TranslatedFieldsMixin
from art28.core.models import User
from art28.core.roles import STAFF_ROLES
from art28.core.translated import other_languages
from art28.inventory.models import Service
from art28.records.models import MeasureArea
from art28.records.services import ACTIVITY_FIELDS, MAX_REVIEW_DAYS


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _services() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=Service.objects.order_by("name"),
        required=False,
        help_text=_("None selected: the measure applies to every service."),
    )


class MeasureForm(TranslatedFieldsMixin, forms.Form):
    """A measure; its title and description in every language side by side (English required)."""

    translated_fields = ("title", "description")

    ref = forms.SlugField(label=_("Reference"), max_length=40, help_text=_("e.g. tom-a-disk-encryption"))
    area = forms.ChoiceField(label=_("Area (GDPR Art. 32(1))"), choices=MeasureArea.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("email")
    )
    review_every_days = forms.IntegerField(label=_("Review every (days)"), min_value=1, max_value=MAX_REVIEW_DAYS)
    next_review_on = forms.DateField(label=_("Next review on"), widget=DateInput)
    services = _services()


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ResponsibilityForm(TranslatedFieldsMixin, forms.Form):
    """A line of the matrix; its texts in every language side by side (English required)."""

    translated_fields = ("topic", "customer_part", "provider_part")

    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.order_by("name"),
        required=False,
        empty_label=_("— every service —"),
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    customer_part = forms.CharField(label=_("The customer's part"), widget=forms.Textarea(attrs={"rows": 2}))
    provider_part = forms.CharField(label=_("The provider's part"), widget=forms.Textarea(attrs={"rows": 2}))
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0)

    def values(self) -> dict[str, object]:
        """The service's arguments: the fields, and each text's translations as ``<field>_i18n``."""
        return {name: self.cleaned_data[name] for name in self.base_fields} | self.translations()


class ActivityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    purposes = forms.CharField(label=_("Purposes"), widget=forms.Textarea(attrs={"rows": 2}))
    data_subject_categories = forms.CharField(
        label=_("Categories of data subjects"), widget=forms.Textarea(attrs={"rows": 2})
    )
    personal_data_categories = forms.CharField(
        label=_("Categories of personal data"), widget=forms.Textarea(attrs={"rows": 2})
    )
    recipients = forms.CharField(
        label=_("Categories of recipients"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    transfers = forms.CharField(
        label=_("Transfers abroad and their safeguards"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    retention = forms.CharField(label=_("Retention periods"), widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(
        label=_("General description of the security measures"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0)

    def values(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in ACTIVITY_FIELDS}


class ServiceTextsForm(TranslatedFieldsMixin, forms.Form):
    """A service's name in the other languages (English is the name itself, its key: not edited here)
    and its description in all four, side by side."""

    translated_fields = ("name", "description")

    name = forms.CharField(label=_("Name"), max_length=100, required=False, disabled=True)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in other_languages():  # the English name is fixed, its translations are not
            self.fields[f"name__{code}"].disabled = False

    def values(self) -> dict[str, object]:
        return {"description": self.cleaned_data["description"]} | self.translations()

"""Forms of the staff pages and the customer portal. They only shape input; the rules live in the
services, whose ValidationError is put back on the form's fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from art28.core.forms import DateInput, TranslatedFieldsMixin
from art28.inventory.models import Service, Site
from art28.subprocessors.flowdown import DOCUMENT_MAX_BYTES
from art28.subprocessors.models import Authorisation, ChangeKind, FlowDownClause, Resolution, SubProcessor


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class SubProcessorForm(TranslatedFieldsMixin, forms.Form):
    """The register entry; its purpose and safeguard in every language side by side (English required)."""

    translated_fields = ("purpose", "transfer_safeguard")

    slug = forms.SlugField(label=_("Short name (slug)"), max_length=80, help_text=_("e.g. mainhattan-colocation"))
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}))
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False, help_text=_("Never published."))
    website = forms.URLField(label=_("Website"), required=False)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))
    data_categories = forms.CharField(
        label=_("Data categories"), required=False, help_text=_("Separated by ';', e.g. contact details; logs")
    )
    countries = forms.CharField(
        label=_("Countries of processing"), max_length=300, help_text=_("ISO 3166-1 alpha-2 codes, e.g. CH;DE")
    )
    transfer_safeguard = forms.CharField(
        label=_("Transfer safeguard"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "GDPR Art. 46 / nFADP Art. 16(2) safeguard, e.g. SCC (EU 2021/914) with the Swiss addendum. Needed for "
            "a country no adequacy finding covers (GDPR Art. 45, DSV Annex 1)."
        ),
    )
    dpf_eu_us_since = forms.DateField(
        label=_("EU-US Data Privacy Framework: certified since"),
        required=False,
        widget=DateInput,
        help_text=_("US recipients only: the US is adequate under the GDPR only for certified organisations."),
    )
    dpf_swiss_us_since = forms.DateField(
        label=_("Swiss-US Data Privacy Framework: certified since"),
        required=False,
        widget=DateInput,
        help_text=_("US recipients only: DSV Annex 1 lists the US only for certified organisations."),
    )
    engaged_by = forms.ModelChoiceField(
        label=_("Engaged by"),
        queryset=SubProcessor.objects.order_by("legal_name"),
        to_field_name="slug",
        required=False,
        help_text=_("Empty: engaged by the provider itself. Else its engager (GDPR Art. 28(4))."),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services"),
        queryset=Service.objects.order_by("name"),
        to_field_name="name",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites it operates"),
        queryset=Site.objects.order_by("code"),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    in_use_from = forms.DateField(
        label=_("In use since"),
        required=False,
        widget=DateInput,
        help_text=_("Empty for a new sub-processor: a change announces it and sets this date."),
    )
    in_use_until = forms.DateField(label=_("In use until (exclusive)"), required=False, widget=DateInput)

    def service_arguments(self) -> dict[str, Any]:
        data = {name: value for name, value in self.cleaned_data.items() if "__" not in name}
        data.update(self.translations())
        data["engaged_by"] = data["engaged_by"].slug if data["engaged_by"] else None
        data["services"] = [s.name for s in data["services"]]
        data["sites"] = [s.code for s in data["sites"]]
        return data


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ChangeKind.choices)
    subprocessor = forms.ModelChoiceField(
        label=_("Sub-processor"),
        queryset=SubProcessor.objects.order_by("legal_name"),
        to_field_name="slug",
        help_text=_("Addition or replacement: the new one (register it first). Removal: the one removed."),
    )
    replaces = forms.ModelChoiceField(
        label=_("Replaces"),
        queryset=SubProcessor.objects.order_by("legal_name"),
        to_field_name="slug",
        required=False,
        help_text=_("Replacements only: the sub-processor in use that the new one replaces."),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services concerned"),
        queryset=Service.objects.order_by("name"),
        to_field_name="name",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their customers are told. Empty: the sub-processor's own services and its engagers'."),
    )
    summary = forms.CharField(
        label=_("What changes and why"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the customers concerned, as written."),
    )


class ChangeEditForm(forms.Form):
    replaces = ChangeForm.base_fields["replaces"]
    services = ChangeForm.base_fields["services"]
    summary = ChangeForm.base_fields["summary"]


class AnnounceForm(forms.Form):
    effective_on = forms.DateField(
        label=_("Effective date"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: the earliest allowed, today plus the longest notice period among the customers concerned."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Sent to every customer told.")
    )


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Resolution"), choices=[c for c in Resolution.choices if c[0]])
    note = forms.CharField(
        label=_("What was agreed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a withdrawal, this is the reason sent to every customer told."),
    )


class ContractForm(forms.Form):
    authorisation = forms.ChoiceField(label=_("Authorisation"), choices=Authorisation.choices)
    notice_days = forms.IntegerField(label=_("Notice period (days)"), min_value=1, max_value=365, initial=30)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DateInput)


class FlowDownAgreementForm(forms.Form):
    """The signed agreement binding a sub-processor to the same obligations (GDPR Art. 28(4), nFADP Art.
    9(3)); subprocessors.flowdown.flowdown_agreement_record decides."""

    file = forms.FileField(
        label=_("Signed agreement"),
        help_text=_("The document as signed (PDF preferred), at most 20 MB; art28 keeps it with its SHA-256."),
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput)
    clauses = forms.MultipleChoiceField(
        label=_("Duties of GDPR Art. 28(3) it imposes on the sub-processor"),
        choices=FlowDownClause.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick only what the document says. Missing any of them, it is recorded as incomplete and does not count."
        ),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput,
        help_text=_("The last day it binds, if it ends; empty: until a later agreement replaces it."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if (upload.size or 0) > DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload


class RegisterAtForm(forms.Form):
    at = forms.DateField(label=_("As of"), required=False, widget=DateInput)


class ObjectionForm(forms.Form):
    # Optional: GDPR Art. 28(2) and SCC 2021/914 Clause 9(a) give the right to object without a reason.
    reason = forms.CharField(
        label=_("Your reason (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "You need not give one. Until your objection is resolved with you, the change does not apply to your data."
        ),
    )


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"), choices=[("consent", _("I consent")), ("refuse", _("I refuse"))]
    )

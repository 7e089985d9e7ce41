"""The staff forms of the nonconformity register (S2; docs/evidence.md, "Improvement"). They parse;
evidence.improvement decides, and its ValidationError lands on the field it names (else on top)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from art28.core.forms import DateInput
from art28.core.models import User
from art28.core.roles import STAFF_WRITERS
from art28.evidence.models import NonconformitySource, NonconformityStatus
from art28.records.models import TechnicalMeasure

EFFECTIVE, NOT_EFFECTIVE = "effective", "not-effective"


class ServiceErrors:
    """Put a service's ValidationError on the form: on the field it names (through ``aliases``: the
    service's name → the form's), else on top."""

    aliases: dict[str, str] = {}

    def add_service_errors(self, exc: ValidationError) -> None:
        form: Any = self
        if not hasattr(exc, "error_dict"):
            form.add_error(None, exc.messages)
            return
        for name, messages in exc.message_dict.items():
            field = self.aliases.get(name, name)
            form.add_error(field if field in form.fields else None, messages)


def _past_or_today(field: forms.Field) -> None:
    field.widget.attrs["max"] = timezone.localdate().isoformat()


class RegisterFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any")), *NonconformityStatus.choices]
    )
    source = forms.ChoiceField(
        label=_("Found by"), required=False, choices=[("", _("any")), *NonconformitySource.choices]
    )
    overdue = forms.BooleanField(label=_("With overdue actions"), required=False)


class NonconformityForm(ServiceErrors, forms.Form):
    source = forms.ChoiceField(label=_("Found by"), choices=NonconformitySource.choices)
    control = forms.ModelChoiceField(
        label=_("Control"),
        queryset=TechnicalMeasure.objects.filter(active=True).order_by("ref"),
        to_field_name="ref",
        required=False,
        help_text=_("The control it concerns; required when a failing control found it."),
    )
    source_ref = forms.CharField(
        label=_("Source reference"),
        max_length=100,
        required=False,
        help_text=_("The incident's, the finding's or the audit report's reference, e.g. INC-2026-0001, RT-2026/RT-1."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What was found"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("From a failing control, left empty: the control's status and its reasons."),
    )
    raised_on = forms.DateField(label=_("Found on"), widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _past_or_today(self.fields["raised_on"])


class RootCauseForm(ServiceErrors, forms.Form):
    root_cause = forms.CharField(
        label=_("Root cause"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why it happened, not what happened (ISO/IEC 27001:2022 10.2 b)."),
    )


class ActionForm(ServiceErrors, forms.Form):
    description = forms.CharField(label=_("Action"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.filter(role__in=STAFF_WRITERS, is_active=True).order_by("email"),
        help_text=_("Who on the staff answers for it."),
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].widget.attrs["min"] = timezone.localdate().isoformat()


class ActionDoneForm(ServiceErrors, forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DateInput)
    note = forms.CharField(
        label=_("What was done"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A change, a ticket, a document: what an auditor can check."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _past_or_today(self.fields["done_on"])


class EffectivenessForm(ServiceErrors, forms.Form):
    effective = forms.ChoiceField(
        label=_("Were the actions effective?"),
        choices=[
            (EFFECTIVE, _("effective: close the nonconformity")),
            (NOT_EFFECTIVE, _("not effective: plan more actions")),
        ],
        widget=forms.RadioSelect,
    )
    verified_on = forms.DateField(label=_("Verified on"), widget=DateInput)
    note = forms.CharField(
        label=_("How it was checked"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The evidence looked at, e.g. the control's evidence since the actions were done."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _past_or_today(self.fields["verified_on"])

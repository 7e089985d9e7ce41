from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from art28.duties.models import EndOfContract


class EndOfContractForm(forms.Form):
    choice = forms.ChoiceField(label=_("What should happen to the data"), choices=EndOfContract.Choice.choices,
                               widget=forms.RadioSelect)  # fmt: skip
    contract_ends_on = forms.DateField(label=_("The contract ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    services = forms.MultipleChoiceField(
        label=_("Only these services (none: the whole contract)"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    confirm = forms.BooleanField(label=_("I understand that deleted data cannot be recovered."))

    def __init__(self, *args: object, services: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["services"].choices = services  # type: ignore[attr-defined]


class ReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("Handed over on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("What was handed over"), max_length=500)


class MarkForm(forms.Form):
    deleted_on = forms.DateField(label=_("Deleted on"), widget=forms.DateInput(attrs={"type": "date"}))


class RetainForm(forms.Form):
    ground = forms.CharField(label=_("Legal ground"), max_length=300)
    until = forms.DateField(label=_("Kept until"), widget=forms.DateInput(attrs={"type": "date"}))


class AuditRequestForm(forms.Form):
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("The services, sites and measures the audit covers."))  # fmt: skip
    proposed_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    proposed_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    auditor = forms.CharField(label=_("Auditor"), max_length=200)
    confidentiality = forms.CharField(
        label=_("Confidentiality undertaking"),
        max_length=300,
        help_text=_("The auditor's signed undertaking or professional duty."),
    )


class AuditAgreeForm(forms.Form):
    agreed_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    agreed_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class AuditOfferForm(forms.Form):
    note = forms.CharField(label=_("What is offered instead"), max_length=2000)


class AuditReportForm(forms.Form):
    received_on = forms.DateField(label=_("Report received on"), widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label=_("Conclusions"), widget=forms.Textarea(attrs={"rows": 3}))
    remediations = forms.CharField(
        label=_("What to fix"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the due day, then what to fix (2027-03-31 Rotate the backup keys)."),
    )  # fmt: skip

    def clean_remediations(self) -> list[tuple[str, dt.date]]:
        items: list[tuple[str, dt.date]] = []
        for number, line in enumerate(self.cleaned_data["remediations"].splitlines(), start=1):
            if not line.strip():
                continue
            day, _sep, text = line.strip().partition(" ")
            try:
                due = dt.date.fromisoformat(day)
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)s: start with the due day (YYYY-MM-DD).") % {"n": number}
                ) from None
            if not text.strip():
                raise forms.ValidationError(_("Line %(n)s: say what to fix.") % {"n": number})
            items.append((text.strip(), due))
        return items


class RemediationCloseForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("How it was fixed"), max_length=500)


class InstructionForm(forms.Form):
    text = forms.CharField(label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 3}))
    given_on = forms.DateField(label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}))


class StaffInstructionForm(InstructionForm):
    customer = forms.CharField(label=_("Customer reference"), max_length=64)
    source = forms.ChoiceField(label=_("Received through"), choices=[("dpa", _("the DPA")),
                                                                     ("mail", _("a letter or e-mail"))])  # fmt: skip
    given_by = forms.CharField(label=_("Given by"), max_length=200)


class FlagForm(forms.Form):
    reason = forms.CharField(label=_("Why it would infringe the law"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class LegalRequirementForm(forms.Form):
    customer = forms.CharField(label=_("Customer reference"), max_length=64)
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    authority = forms.CharField(label=_("Court or authority"), max_length=200)
    authority_reference = forms.CharField(label=_("Its reference"), max_length=200, required=False)
    description = forms.CharField(label=_("What it requires"), widget=forms.Textarea(attrs={"rows": 3}))
    inform = forms.BooleanField(label=_("Inform the customer before processing"), required=False, initial=True)
    ground = forms.CharField(label=_("Else: the provision that forbids informing it"), max_length=300, required=False)

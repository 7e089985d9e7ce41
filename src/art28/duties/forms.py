from __future__ import annotations

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

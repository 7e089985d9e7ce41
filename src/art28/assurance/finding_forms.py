"""The staff forms that decide about an intrusion-test finding (S6; docs/assurance.md): one affected asset's
status, and a retest round. They parse; assurance.findings decides (its ValidationError lands on the field
it names)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from art28.assurance.models import FindingStatus, RetestOutcome
from art28.core.forms import DateInput
from art28.core.models import User
from art28.core.roles import STAFF_ROLES

NOT_RETESTED = ""
OUTCOME_PREFIX = "outcome_"


def _put_errors(form: forms.Form, exc: ValidationError, aliases: dict[str, str]) -> None:
    """A service's errors on the form's fields (``aliases``: the service's name → the form's), else on top."""
    for name, messages in exc.message_dict.items():
        field = aliases.get(name, name)
        form.add_error(field if field in form.fields else None, messages)


class AffectedStatusForm(forms.Form):
    """Set one affected asset's status; a risk accepted also needs its owner, reason and expiry."""

    asset = forms.ChoiceField(label=_("Asset"))
    status = forms.ChoiceField(label=_("Status"), choices=FindingStatus.choices)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("email"),
        required=False,
        help_text=_("For a risk accepted: who on the staff answers for it."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a risk accepted: why the risk is acceptable (a compensating measure, a planned end)."),
    )
    accepted_until = forms.DateField(label=_("Accepted until"), required=False, widget=DateInput)

    def __init__(self, *args: Any, assets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset"].choices = [(ref, ref) for ref in assets]  # type: ignore[attr-defined]
        today, longest = timezone.localdate(), settings.ART28_RISK_ACCEPTANCE_MAX_DAYS
        until = self.fields["accepted_until"]
        until.help_text = ngettext(
            "For a risk accepted: its last day, at most %(days)d day ahead; then someone decides again.",
            "For a risk accepted: its last day, at most %(days)d days ahead; then someone decides again.",
            longest,
        ) % {"days": longest}
        until.widget.attrs.update(
            min=(today + dt.timedelta(days=1)).isoformat(), max=(today + dt.timedelta(days=longest)).isoformat()
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == FindingStatus.RISK_ACCEPTED:
            for field in ("owner", "reason", "accepted_until"):
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, _("A risk accepted needs this."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        """The arguments of assurance.findings.affected_status_set."""
        data = self.cleaned_data
        return {
            "asset_ref": data["asset"],
            "status": data["status"],
            "owner": data.get("owner"),
            "reason": data.get("reason") or "",
            "accepted_until": data.get("accepted_until"),
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        _put_errors(self, exc, {"expires_on": "accepted_until"})


class RetestForm(forms.Form):
    """A retest round: its day, its tester and, per affected asset, what it found (or not retested)."""

    tested_on = forms.DateField(label=_("Tested on"), widget=DateInput)
    tester = forms.CharField(label=_("Tester"), max_length=200)

    def __init__(self, *args: Any, assets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tested_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.assets = dict[str, str]()  # field name → asset ref
        for ref in assets:
            name = OUTCOME_PREFIX + ref
            self.assets[name] = ref
            self.fields[name] = forms.ChoiceField(
                label=ref,
                choices=[(NOT_RETESTED, _("not retested")), *RetestOutcome.choices],
                required=False,
            )

    def outcome_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.assets]

    def service_kwargs(self) -> dict[str, Any]:
        """The arguments of assurance.findings.retest_record: only the assets given an outcome."""
        data = self.cleaned_data
        return {
            "tested_on": data["tested_on"],
            "tester": data["tester"],
            "outcomes": {ref: data[name] for name, ref in self.assets.items() if data.get(name)},
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        _put_errors(self, exc, {})

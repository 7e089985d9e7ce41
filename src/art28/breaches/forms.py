"""Forms of the staff breach pages. Validation of the rules themselves stays in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from art28.breaches.models import Decision, Nature, NoticeKind, Phase
from art28.breaches.severity import CB_STEPS, DPC_BASES, EASE_OF_IDENTIFICATION, adjustment_to_final
from art28.core.models import Language
from art28.inventory.models import Service, Site

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _when(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, widget=DateTimeLocal(), input_formats=DATETIME_FORMATS, help_text=help_text
    )


def split_refs(value: str) -> list[str]:
    """Asset refs typed one per line or separated by commas or spaces."""
    return sorted({part for part in value.replace(",", " ").split() if part})


class FactsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    natures = forms.MultipleChoiceField(
        label=_("Nature of the breach"),
        choices=Nature.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("GDPR Art. 33(3)(a): which security properties were lost. Several may apply."),
        error_messages={"required": _("Choose at least one nature: confidentiality, integrity or availability.")},
    )
    aware_at = _when(_("Provider aware at"), help_text=_("When the provider became aware of the breach."))
    started_at = _when(_("Started at"))
    ended_at = _when(_("Ended at"), required=False, help_text=_("Leave empty while the breach is ongoing."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    consequences = forms.CharField(
        label=_("Likely consequences"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    measures = forms.CharField(
        label=_("Measures taken or proposed"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    remedial_action = forms.CharField(
        label=_("Remedial action"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the breach register (GDPR Art. 33(5))."),
    )


class ScopeForm(forms.Form):
    assets = forms.CharField(
        label=_("Assets"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "gva-host-1"}),
        help_text=_("Asset references, one per line; everything below an asset is included."),
    )
    sites = forms.MultipleChoiceField(label=_("Sites"), required=False, widget=forms.CheckboxSelectMultiple)
    services = forms.MultipleChoiceField(label=_("Services"), required=False, widget=forms.CheckboxSelectMultiple)
    window_from = _when(_("Time window from"), required=False)
    window_to = _when(
        _("Time window to"),
        required=False,
        help_text=_(
            "When the breach lasted: the impact counts whoever's data was in the scope at any moment of it "
            "(empty end: until now). No window: where data is now."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sites = self.fields["sites"]
        services = self.fields["services"]
        assert isinstance(sites, forms.MultipleChoiceField) and isinstance(services, forms.MultipleChoiceField)
        sites.choices = [(s.code, f"{s.code} · {s.name}") for s in Site.objects.order_by("code")]
        services.choices = [(s.name, s.name) for s in Service.objects.order_by("name")]

    def clean_assets(self) -> list[str]:
        return split_refs(self.cleaned_data.get("assets", ""))


class DeclareForm(FactsForm, ScopeForm):
    pass


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(Decision.NOTIFY, Decision.NOTIFY.label), (Decision.NO_NOTIFICATION, Decision.NO_NOTIFICATION.label)]
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for “no notification”, and to reverse it."),
    )


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


def _decimal_choices(steps: dict[Decimal, Any]) -> list[tuple[str, str]]:
    return [(str(value), f"{value.normalize()} · {label}") for value, label in steps.items()]


class SeverityForm(forms.Form):
    """ENISA 2013 inputs. The assessor picks the final DPC directly (the context may move the base score
    to any whole DPC from 1 to 4); the service stores the base and the whole-step adjustment between them."""

    dpc_base = forms.TypedChoiceField(
        label=_("Kind of data (DPC base)"),
        coerce=int,
        choices=[(score, f"{score} · {label}") for score, label in DPC_BASES.items()],
    )
    dpc_final = forms.TypedChoiceField(
        label=_("Final DPC, after the context"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("the base score (no adjustment)")), *((score, str(score)) for score in DPC_BASES)],
        help_text=_(
            "ENISA 2013: the context (volume, what the data reveals, whether it is already public …) may move "
            "the base score to any DPC from 1 to 4, in whole steps. Give the reason below."
        ),
    )
    dpc_reason = forms.CharField(label=_("Reason for the adjustment"), required=False, max_length=1000)
    ease_of_identification = forms.TypedChoiceField(
        label=_("Ease of identification (EI)"), coerce=Decimal, choices=_decimal_choices(EASE_OF_IDENTIFICATION)
    )
    cb_confidentiality = forms.TypedChoiceField(
        label=_("Loss of confidentiality"), coerce=Decimal, choices=_decimal_choices(CB_STEPS)
    )
    cb_integrity = forms.TypedChoiceField(
        label=_("Loss of integrity"), coerce=Decimal, choices=_decimal_choices(CB_STEPS)
    )
    cb_availability = forms.TypedChoiceField(
        label=_("Loss of availability"), coerce=Decimal, choices=_decimal_choices(CB_STEPS)
    )
    malicious = forms.BooleanField(label=_("Malicious intent (+0.5)"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        """The final DPC becomes the adjustment from the base (the service checks it, and the reason)."""
        data = super().clean() or {}
        final = data.pop("dpc_final", None)
        base = data.get("dpc_base")
        if base is not None:
            data["dpc_adjustment"] = adjustment_to_final(base, final) if final is not None else Decimal(0)
        return data


class NoticeCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Phase"), choices=NoticeKind.choices)


class NoticeTextsForm(forms.Form):
    """A subject and a body per language of the notice."""

    def __init__(self, *args: Any, languages: list[str], texts: dict[str, dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = dict(Language.choices)
        self.languages = languages
        for code in languages:
            text = texts.get(code, {})
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject (%(language)s)") % {"language": names.get(code, code)},
                max_length=300,
                initial=text.get("subject", ""),
                widget=forms.TextInput(attrs={"size": 100, "lang": code}),
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": names.get(code, code)},
                initial=text.get("body", ""),
                strip=False,
                widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "lang": code}),
            )

    def texts(self) -> dict[str, dict[str, str]]:
        return {
            code: {"subject": self.cleaned_data[f"subject_{code}"], "body": self.cleaned_data[f"body_{code}"]}
            for code in self.languages
        }

    def by_language(self) -> list[tuple[str, str, forms.BoundField, forms.BoundField]]:
        """(code, language name, subject field, body field) per language: one editor tab each."""
        names = dict(Language.choices)
        return [
            (code, str(names.get(code, code)), self[f"subject_{code}"], self[f"body_{code}"]) for code in self.languages
        ]


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference or title"), required=False, max_length=200)
    phase = forms.ChoiceField(label=_("Phase"), required=False, choices=[("", _("Any phase")), *Phase.choices])
    decision = forms.ChoiceField(
        label=_("Decision"), required=False, choices=[("", _("Any decision")), *Decision.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

"""Forms of the physical-security pages: the anomaly filters, starting a review, deciding an item."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from art28.core.forms import DateInput
from art28.inventory.models import Site
from art28.physical.anomalies import RULES
from art28.physical.models import Decision, Zone


def _site_choices() -> list[tuple[str, str]]:
    codes = Zone.objects.values_list("site__code", flat=True).distinct().order_by("site__code")
    return [(code, code) for code in codes]


class AnomalyFilterForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"), required=False)
    rule = forms.ChoiceField(label=_("Rule"), required=False, choices=[("", "—"), *[(r, r) for r in RULES]])
    since = forms.DateField(label=_("From"), required=False, widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        assert isinstance(site, forms.ChoiceField)
        site.choices = [("", _("every site")), *_site_choices()]


class ReviewStartForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"))
    zone = forms.CharField(label=_("Zone"), required=False, help_text=_("Empty: every zone of the site."))
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        assert isinstance(site, forms.ChoiceField)
        site.choices = _site_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        site = Site.objects.filter(code=data.get("site")).first()
        data["site_obj"], data["zone_obj"] = site, None
        if site and data.get("zone"):
            data["zone_obj"] = Zone.objects.filter(site=site, name=data["zone"]).first()
            if data["zone_obj"] is None:
                self.add_error("zone", _("%(site)s has no zone %(zone)s.") % {"site": site.code, "zone": data["zone"]})
        return data


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[(Decision.KEEP, _("Keep")), (Decision.REVOKE, _("Revoke"))]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

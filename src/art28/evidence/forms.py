"""The staff forms of evidence: an upload (evidence.services.evidence_upload decides) and a pack's period
(evidence.packs.pack_request decides). They parse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from art28.core.forms import DateInput
from art28.evidence.services import UPLOAD_MAX_BYTES
from art28.records.models import TechnicalMeasure


class EvidenceUploadForm(forms.Form):
    title = forms.CharField(label=_("What the file shows"), max_length=300)
    controls = forms.ModelMultipleChoiceField(
        label=_("Controls it proves"),
        queryset=TechnicalMeasure.objects.filter(active=True).order_by("ref"),
        widget=forms.CheckboxSelectMultiple,
    )
    effective_on = forms.DateField(
        label=_("True as of"),
        widget=DateInput,
        help_text=_("The day it happened (the drill, the training), not today's."),
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput)
    file = forms.FileField(label=_("File"), help_text=_("Kept with its SHA-256; at most 20 MB."))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if (upload.size or 0) > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload


class PackForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DateInput)
    date_to = forms.DateField(label=_("To (included)"), widget=DateInput)

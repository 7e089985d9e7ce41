"""Staff forms: they parse; the services decide (their ValidationError lands on the field it names)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from art28.assurance.files import CERTIFICATE_MAX_BYTES, LOGO_MAX_BYTES


def read_upload(form: forms.Form, field: str, limit: int) -> bytes | None:
    """The uploaded file's bytes, or None; a file over ``limit`` is refused without reading it whole."""
    upload: UploadedFile | None = form.cleaned_data.get(field)
    if upload is None:
        return None
    if (upload.size or 0) > limit:
        form.add_error(field, _("The file is too large (at most %(size)s).") % {"size": filesizeformat(limit)})
        return None
    return upload.read()


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    for field, messages in exc.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class ProfileForm(forms.Form):
    tagline = forms.CharField(label=_("Tagline"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "PNG, JPEG or WebP, at most 512 KB. Shown with the provider's name at the top of the trust center."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def logo_bytes(self) -> bytes | None:
        return read_upload(self, "logo", LOGO_MAX_BYTES)


class CertificationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("For example ISO/IEC 27001:2022."))
    issuer = forms.CharField(label=_("Certification body"), max_length=200)
    scope = forms.CharField(label=_("Scope"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day of validity (included). After it the trust center no longer shows it."),
    )
    certificate = forms.FileField(
        label=_("Certificate (PDF)"),
        required=False,
        help_text=_("A PDF of at most 10 MB, offered for download on the trust center."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    remove_certificate = forms.BooleanField(label=_("Remove the certificate file"), required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0, required=False)
    published = forms.BooleanField(label=_("Published on the trust center"), required=False, initial=True)

    def certificate_bytes(self) -> bytes | None:
        return read_upload(self, "certificate", CERTIFICATE_MAX_BYTES)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "issuer": data["issuer"],
            "scope": data.get("scope", ""),
            "valid_from": data["valid_from"],
            "valid_until": data["valid_until"],
            "position": data.get("position") or 0,
            "published": bool(data.get("published")),
        }

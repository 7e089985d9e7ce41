"""Forms for the pages of the core app."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “monitoring script”, so you can tell tokens apart."),
    )

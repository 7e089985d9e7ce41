"""The DPO profile page's translatable text: the short introduction in every language side by side."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from art28.core.forms import TranslatedFieldsMixin


class DpoIntroductionForm(TranslatedFieldsMixin, forms.Form):
    """Only parses; ``art28.core.dpo.dpo_profile_update`` checks and saves (with the other fields)."""

    translated_fields = ("introduction",)

    introduction = forms.CharField(
        label=_("Short text"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

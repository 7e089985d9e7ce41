"""``/staff/glossary/``: the glossary of data categories and of categories of data subjects, in English,
French, German and Italian (art28.core.glossary), and the terms in use that it lacks.

Every staff role reads; the DPO and administrators write (core.access.GLOSSARY_WRITERS): the terms are what
customers read in their records, notices and the trust center (GDPR Art. 12(1), 28(3), 30(2)(b), 33(3)(a)).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from art28.core.access import GLOSSARY_READERS, GLOSSARY_WRITERS
from art28.core.auth import request_user, role_required
from art28.core.forms import TranslatedFieldsMixin
from art28.core.glossary import (
    categories_not_in_glossary,
    category_uses,
    data_category_create,
    data_category_delete,
    data_category_update,
)
from art28.core.models import CategoryKind, DataCategory
from art28.core.translated import language_name, other_languages

reader = role_required(*sorted(GLOSSARY_READERS))
writer = role_required(*sorted(GLOSSARY_WRITERS))


class DataCategoryForm(TranslatedFieldsMixin, forms.Form):
    translated_fields = ("name", "description")

    kind = forms.ChoiceField(label=gettext_lazy("Glossary"), choices=CategoryKind.choices)
    name = forms.CharField(
        label=gettext_lazy("Term"),
        max_length=100,
        help_text=gettext_lazy("The English term is what placements, sub-processors and notices store."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    aliases = forms.CharField(
        label=gettext_lazy("Aliases"),
        max_length=500,
        required=False,
        help_text=gettext_lazy(
            "Other spellings imports map to this term, separated by “;”, e.g. “email address; e-mail”. "
            "Case and spaces do not matter."
        ),
    )


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _can_write(request: HttpRequest) -> bool:
    return request_user(request).role in GLOSSARY_WRITERS


@reader
def glossary(request: HttpRequest) -> HttpResponse:
    """Both glossaries with the languages each entry lacks, and the terms in use that are not in them."""
    languages = other_languages()
    entries = list(DataCategory.objects.all())
    sections = []
    for kind, label in CategoryKind.choices:
        rows = []
        for entry in entries:
            if entry.kind != kind:
                continue
            translations = entry.name_i18n or {}
            rows.append({"entry": entry, "texts": [(code, translations.get(code, "")) for code in languages]})
        sections.append({"kind": kind, "label": label, "rows": rows})
    return render(
        request,
        "staff/glossary.html",
        {
            "sections": sections,
            "languages": [(code, capfirst(language_name(code))) for code in languages],  # column headings
            "unlisted": categories_not_in_glossary(),
            "kinds": dict(CategoryKind.choices),
            "can_write": _can_write(request),
        },
    )


def _save(request: HttpRequest, form: DataCategoryForm, entry: DataCategory | None) -> DataCategory | None:
    data = form.cleaned_data
    fields: dict[str, Any] = {
        "kind": data["kind"],
        "name": data["name"],
        "description": data["description"],
        "aliases": data["aliases"],
        **form.translations(),
    }
    try:
        if entry is None:
            return data_category_create(actor=request_user(request), **fields)
        return data_category_update(actor=request_user(request), category=entry, **fields)
    except ValidationError as exc:
        _add_errors(form, exc)
        return None


@writer
def glossary_new(request: HttpRequest) -> HttpResponse:
    """A new entry; ``?kind=…&name=…`` prefill it (the "add to glossary" of a term in use)."""
    if request.method == "POST":
        form = DataCategoryForm(request.POST)
        if form.is_valid() and (entry := _save(request, form, None)) is not None:
            messages.success(request, _("“%(name)s” is in the glossary.") % {"name": entry.name})
            return redirect("staff:glossary")
    else:
        kind = request.GET.get("kind", CategoryKind.DATA)
        form = DataCategoryForm(
            initial={
                "kind": kind if kind in CategoryKind.values else CategoryKind.DATA,
                "name": request.GET.get("name", ""),
            }
        )
    return _form_page(request, form, None)


@writer
def glossary_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(DataCategory, pk=pk)
    if request.method == "POST":
        form = DataCategoryForm(request.POST)
        if form.is_valid() and _save(request, form, entry) is not None:
            messages.success(request, _("Saved."))
            return redirect("staff:glossary")
    else:
        form = DataCategoryForm(
            initial={
                "kind": entry.kind,
                "name": entry.name,
                "description": entry.description,
                "aliases": "; ".join(entry.alias_list),
            }
        )
        form.initial_translations(entry)
    return _form_page(request, form, entry)


@writer
def glossary_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an entry no stored list uses (POST); refused, naming where it is used, otherwise."""
    entry = get_object_or_404(DataCategory, pk=pk)
    if request.method != "POST":
        return redirect("staff:glossary_edit", pk=entry.pk)
    try:
        data_category_delete(actor=request_user(request), category=entry)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("staff:glossary_edit", pk=entry.pk)
    messages.success(request, _("“%(name)s” was removed from the glossary.") % {"name": entry.name})
    return redirect("staff:glossary")


def _form_page(request: HttpRequest, form: DataCategoryForm, entry: DataCategory | None) -> HttpResponse:
    if form.errors:
        messages.error(request, _("Nothing was changed: please correct the errors below."))
    return render(
        request,
        "staff/glossary_form.html",
        {"form": form, "entry": entry, "uses": category_uses(entry) if entry else {}},
        status=400 if form.errors else 200,
    )

"""Staff pages of changes: the list with counts, drafting, the change page with its recipients, and
the actions (announce, withdraw, resolve an objection) (S4; GDPR Art. 28(2), DSV Art. 7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from art28.core.auth import request_user
from art28.core.models import Organisation, User
from art28.subprocessors import forms as f
from art28.subprocessors.changes import change_announce, change_discard, change_draft, change_update, change_withdraw
from art28.subprocessors.models import Change, ChangeStatus, ConsentStatus, Resolution
from art28.subprocessors.responses import change_resolve
from art28.subprocessors.rules import has_open_objection, needs_answer, recipient_applies, recipient_state
from art28.subprocessors.selectors import (
    agreements_in_effect,
    audit_history,
    change_by_id,
    changes_with_counts,
    open_objections,
    recipients_of,
)
from art28.subprocessors.services import can_write
from art28.subprocessors.views import staff_reader, writer

RECIPIENTS_PER_PAGE = 100


@staff_reader
def change_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ChangeStatus.values:
        status = ""
    return render(
        request,
        "subprocessors/changes.html",
        {
            "changes": changes_with_counts(status),
            "status": status,
            "statuses": ChangeStatus.choices,
            "open_objections": open_objections()[:50],
            "can_write": can_write(request_user(request)),
        },
    )


@writer
def change_create(request: HttpRequest) -> HttpResponse:
    form = f.ChangeForm(request.POST or None, initial={"subprocessor": request.GET.get("subprocessor")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = change_draft(
                actor=request_user(request),
                kind=data["kind"],
                subprocessor=data["subprocessor"],
                replaces=data["replaces"],
                services=[s.name for s in data["services"]] or None,
                summary=data["summary"],
            )
        except ValidationError as exc:
            f.add_errors(form, exc)
        else:
            messages.success(request, _("Change drafted. Check it, then announce it."))
            return redirect("subprocessors:change", change_id=change.pk)
    return render(request, "subprocessors/change_create.html", {"form": form}, status=400 if form.errors else 200)


def _context(request: HttpRequest, change: Change, **forms: Any) -> dict[str, Any]:
    show = request.GET.get("show", "")
    rows = recipients_of(change)
    if show == "objections":
        rows = rows.filter(Q(objected_at__isnull=False) | Q(consent=ConsentStatus.REFUSED), resolution=Resolution.NONE)
    page = Paginator(rows, RECIPIENTS_PER_PAGE).get_page(request.GET.get("page"))
    writable = can_write(request_user(request))
    counts = changes_with_counts().filter(pk=change.pk).first()
    # GDPR Art. 28(4): a draft addition or replacement waits for the incoming sub-processor's agreement.
    incoming = change.subprocessor
    agreement = agreements_in_effect([incoming.pk]).get(incoming.pk) if needs_answer(change.kind) else None
    in_place = agreement is not None and agreement.complete
    blocked = change.status == ChangeStatus.DRAFT and needs_answer(change.kind) and not in_place
    return {
        "change": change,
        "counts": counts,
        "flowdown_blocked": blocked,
        "flowdown_agreement": agreement,
        "show": show,
        "page": page,
        "recipients": [
            {
                "row": row,
                "state": recipient_state(row, change.kind),
                "applies": recipient_applies(row, change.kind),
                "open": has_open_objection(row),
            }
            for row in page.object_list
        ],
        "can_write": writable,
        "history": audit_history(change),
        "edit_form": forms.get("edit_form")
        or f.ChangeEditForm(
            initial={
                "replaces": change.replaces.slug if change.replaces else None,
                "services": [s.name for s in change.services.all()],
                "summary": change.summary,
            }
        ),
        "announce_form": forms.get("announce_form") or f.AnnounceForm(),
        "withdraw_form": forms.get("withdraw_form") or f.WithdrawForm(),
        "resolve_form": forms.get("resolve_form") or f.ResolveForm(),
    }


@staff_reader
def change_page(request: HttpRequest, change_id: int) -> HttpResponse:
    change = change_by_id(change_id)
    return render(request, "subprocessors/change.html", _context(request, change))


def _action(
    form_class: type[Any], form_name: str, act: Callable[[User, Change, dict[str, Any], dict[str, Any]], str]
) -> Callable[..., HttpResponse]:
    """A POST handler: validate the form, call the service, come back to the change page with a message,
    or re-render it with the form's errors (400)."""

    @writer
    @require_POST
    def view(request: HttpRequest, change_id: int, **kwargs: Any) -> HttpResponse:
        change = change_by_id(change_id)
        form = form_class(request.POST)
        if form.is_valid():
            try:
                done = act(request_user(request), change, form.cleaned_data, kwargs)
            except ValidationError as exc:
                f.add_errors(form, exc)
            else:
                messages.success(request, done)
                if form_name == "discard_form":
                    return redirect("subprocessors:changes")
                return redirect("subprocessors:change", change_id=change.pk)
        messages.error(request, _("Nothing was changed: please correct the errors below."))
        context = _context(request, change_by_id(change_id), **{form_name: form})
        return render(request, "subprocessors/change.html", context, status=400)

    return view


def _edit(user: User, change: Change, data: dict[str, Any], _kw: dict[str, Any]) -> str:
    change_update(
        actor=user,
        change=change,
        summary=data["summary"],
        replaces=data["replaces"],
        services=[s.name for s in data["services"]],
    )
    return _("The draft was saved.")


def _announce(user: User, change: Change, data: dict[str, Any], _kw: dict[str, Any]) -> str:
    announced = change_announce(actor=user, change=change, effective_on=data["effective_on"])
    count = announced.recipients.count()
    assert announced.effective_on is not None  # set by change_announce
    return ngettext(
        "Announced to %(count)s customer; effective on %(date)s.",
        "Announced to %(count)s customers; effective on %(date)s.",
        count,
    ) % {"count": count, "date": date_format(announced.effective_on)}


def _withdraw(user: User, change: Change, data: dict[str, Any], _kw: dict[str, Any]) -> str:
    change_withdraw(actor=user, change=change, reason=data["reason"])
    return _("The change was withdrawn; every customer told of it is told of the withdrawal.")


def _resolve(user: User, change: Change, data: dict[str, Any], kw: dict[str, Any]) -> str:
    organisation = get_object_or_404(Organisation, pk=kw["organisation_id"])
    change_resolve(
        actor=user, change=change, organisation=organisation, resolution=data["resolution"], note=data["note"]
    )
    return _("The objection of %(ref)s is resolved.") % {"ref": organisation.ref}


def _discard(user: User, change: Change, data: dict[str, Any], _kw: dict[str, Any]) -> str:
    change_discard(actor=user, change=change)
    return _("The draft was discarded.")


class _NoFields(f.forms.Form):
    pass


change_edit = _action(f.ChangeEditForm, "edit_form", _edit)
change_announce_view = _action(f.AnnounceForm, "announce_form", _announce)
change_withdraw_view = _action(f.WithdrawForm, "withdraw_form", _withdraw)
change_resolve_view = _action(f.ResolveForm, "resolve_form", _resolve)
change_discard_view = _action(_NoFields, "discard_form", _discard)

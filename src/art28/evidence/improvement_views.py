"""Staff pages of the nonconformity register (``/staff/evidence/nonconformities/…``; S2, docs/evidence.md,
"Improvement"; ISO/IEC 27001:2022 clause 10.2): the register with its filters, counts by status and overdue
actions (and as CSV), the form that raises one (prefilled from a failing control), and one nonconformity
with its root cause, actions, effectiveness and history. Every staff role reads (auditors too); the DPO,
security and administrators write, each write a small form posting to its own URL: a refused one answers
400 with the errors next to the field, and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.access import EVIDENCE_READERS, EVIDENCE_WRITERS
from art28.core.auth import request_user, role_required
from art28.core.listing import csv_download, wants_csv
from art28.core.models import AuditEntry
from art28.evidence.improvement import (
    REGISTER_HEADER,
    can_write,
    control_prefill,
    corrective_action_add,
    corrective_action_done,
    effectiveness_verify,
    nonconformity_by_ref,
    nonconformity_counts,
    nonconformity_history,
    nonconformity_raise,
    nonconformity_register,
    nonconformity_root_cause_set,
    overdue_actions,
    register_rows,
)
from art28.evidence.improvement_forms import (
    EFFECTIVE,
    ActionDoneForm,
    ActionForm,
    EffectivenessForm,
    NonconformityForm,
    RegisterFilterForm,
    RootCauseForm,
)
from art28.evidence.models import CorrectiveAction, Nonconformity, NonconformitySource, NonconformityStatus
from art28.records.models import TechnicalMeasure

reader = role_required(*EVIDENCE_READERS)
writer = role_required(*EVIDENCE_WRITERS)
PAGE_SIZE = 50
OVERDUE_SHOWN = 20


@reader
def register(request: HttpRequest) -> HttpResponseBase:
    today = timezone.localdate()
    form = RegisterFilterForm(request.GET)
    chosen = form.cleaned_data if form.is_valid() else {}
    rows = nonconformity_register(status=chosen.get("status", ""), source=chosen.get("source", ""),
                                  overdue=bool(chosen.get("overdue")), today=today)  # fmt: skip
    if wants_csv(request):
        return csv_download(f"nonconformities-{today:%Y-%m-%d}.csv", REGISTER_HEADER, register_rows(rows))
    counts = nonconformity_counts()
    late = overdue_actions(today)
    return render(
        request,
        "evidence/nonconformities.html",
        {
            "form": form,
            "filtered": any(chosen.values()),
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "counts": [(NonconformityStatus(status), n) for status, n in counts.items()],
            "total": sum(counts.values()),
            "overdue": list(late[:OVERDUE_SHOWN]),
            "overdue_count": late.count(),
            "today": today,
            "can_write": can_write(request_user(request)),
            "current": "nonconformities",
        },
    )


def _new_initial(request: HttpRequest) -> dict[str, Any]:
    """What a link fills in ahead: ``?control=REF`` the failing control's status and reasons; ``?source=``,
    ``?source_ref=``, ``?title=`` (e.g. from an incident's page). The person reviews and raises."""
    initial: dict[str, Any] = {"raised_on": timezone.localdate()}
    if request.GET.get("source") in NonconformitySource.values:
        initial["source"] = request.GET["source"]
    for name, limit in (("source_ref", 100), ("title", 200)):
        if request.GET.get(name):
            initial[name] = request.GET[name][:limit]
    ref = request.GET.get("control", "")[:40]
    measure = TechnicalMeasure.objects.filter(ref=ref, active=True).first() if ref else None
    if measure is not None:
        prefill = control_prefill(measure)
        initial |= {"control": measure.ref, "source_ref": prefill.source_ref}
        initial |= {name: value for name, value in (("title", prefill.title), ("description", prefill.description))
                    if value}  # fmt: skip
        initial.setdefault("source", NonconformitySource.FAILING_CONTROL)
    return initial


@writer
def new(request: HttpRequest) -> HttpResponse:
    form = NonconformityForm(request.POST or None, initial=_new_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            found = nonconformity_raise(actor=request_user(request), source=data["source"], title=data["title"],
                                        description=data["description"], source_ref=data["source_ref"],
                                        control=data["control"], raised_on=data["raised_on"])  # fmt: skip
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Nonconformity %(ref)s raised: now find its root cause.") % {"ref": found.ref})
            return redirect(found)
    if form.errors:
        messages.error(request, _("Nothing was changed: please correct the errors below."))
    return render(request, "evidence/nonconformity_new.html", {"form": form, "current": "nonconformities"},
                  status=400 if form.errors else 200)  # fmt: skip


def _found(ref: str) -> Nonconformity:
    found = nonconformity_by_ref(ref)
    if found is None:
        raise Http404("No such nonconformity")
    return found


def _day(value: object) -> str:
    """A day stored in an audit entry (ISO text), in the reader's format."""
    try:
        return date_format(dt.date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value or "")


def _event(entry: AuditEntry) -> str:
    """One line of the history, in the reader's language, from an audit entry of the nonconformity."""
    after, before = entry.after or {}, entry.before or {}
    if entry.action == "nonconformity.raise":
        return _("Raised: %(title)s") % {"title": after.get("title", "")}
    if entry.action == "nonconformity.root_cause_set":
        text = _("Root cause corrected") if before.get("root_cause") else _("Root cause found")
        return f"{text}: {after.get('root_cause', '')}"
    if entry.action == "nonconformity.action_add":
        return _("Action planned for %(owner)s, due %(due)s: %(action)s") % {
            "owner": after.get("owner", ""),
            "due": _day(after.get("due_on")),
            "action": after.get("description", ""),
        }
    if entry.action == "nonconformity.action_done":
        done = {"day": _day(after.get("done_on")), "note": after.get("note", "")}
        return _("Action done on %(day)s: %(note)s") % done
    if entry.action == "nonconformity.effectiveness_verify":
        if after.get("effective"):
            return _("Verified effective, closed: %(note)s") % {"note": after.get("note", "")}
        return _("Found not effective, cycle %(cycle)s begins: %(note)s") % {
            "cycle": after.get("cycle", ""), "note": after.get("note", "")}  # fmt: skip
    return entry.action


def _detail(
    request: HttpRequest,
    found: Nonconformity,
    *,
    refused: Any = None,
    done_forms: dict[int, ActionDoneForm] | None = None,
    **forms: Any,
) -> HttpResponse:
    """The nonconformity, its actions and history; to writers the forms that move it on. After a refused
    POST, ``refused`` is the bound form with its errors (shown next to its fields) and the answer a 400."""
    today = timezone.localdate()
    actions = list(found.actions.select_related("owner").order_by("cycle", "due_on", "pk"))
    writes = can_write(request_user(request)) and found.status != NonconformityStatus.CLOSED
    done_forms = done_forms or {}

    def done_form(action: CorrectiveAction) -> ActionDoneForm | None:
        if not writes or action.done_on is not None:
            return None
        return done_forms.get(action.pk) or ActionDoneForm(initial={"done_on": today}, prefix=f"done-{action.pk}")

    context: dict[str, Any] = {
        "nc": found,
        "actions": [(a, a.done_on is None and a.due_on < today, done_form(a)) for a in actions],
        "open_actions": sum(1 for a in actions if a.done_on is None),
        "history": [(entry, _event(entry)) for entry in nonconformity_history(found)],
        "can_write": writes,
        "current": "nonconformities",
    }
    if writes:
        context |= {
            "root_cause_form": forms.get("root_cause_form")
            or RootCauseForm(initial={"root_cause": found.root_cause}, prefix="cause"),
            "action_form": forms.get("action_form") or ActionForm(prefix="action"),
            "effectiveness_form": forms.get("effectiveness_form")
            or EffectivenessForm(initial={"verified_on": today}, prefix="verify"),
        }
    if refused is not None:
        messages.error(request, _("Nothing was changed: please correct the errors below."))
        rendered = [form for _action, _late, form in context["actions"] if form is not None]
        if not writes or (done_forms and refused not in rendered):  # no form on the page to show it next to
            for problem in refused.non_field_errors():
                messages.error(request, problem)
    return render(request, "evidence/nonconformity.html", context, status=400 if refused is not None else 200)


@reader
def detail(request: HttpRequest, ref: str) -> HttpResponse:
    return _detail(request, _found(ref))


@writer
@require_POST
def root_cause(request: HttpRequest, ref: str) -> HttpResponse:
    found = _found(ref)
    form = RootCauseForm(request.POST, prefix="cause")
    if form.is_valid():
        try:
            nonconformity_root_cause_set(actor=request_user(request), nonconformity=found,
                                         root_cause=form.cleaned_data["root_cause"])  # fmt: skip
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Root cause saved."))
            return redirect(found)
    return _detail(request, found, refused=form, root_cause_form=form)


@writer
@require_POST
def action_add(request: HttpRequest, ref: str) -> HttpResponse:
    found = _found(ref)
    form = ActionForm(request.POST, prefix="action")
    if form.is_valid():
        data = form.cleaned_data
        try:
            corrective_action_add(actor=request_user(request), nonconformity=found, description=data["description"],
                                  owner=data["owner"], due_on=data["due_on"])  # fmt: skip
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Corrective action planned for %(owner)s, due %(due)s.") % {
                "owner": data["owner"].email, "due": date_format(data["due_on"], "DATE_FORMAT")})  # fmt: skip
            return redirect(found)
    return _detail(request, found, refused=form, action_form=form)


@writer
@require_POST
def action_done(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    found = _found(ref)
    action = CorrectiveAction.objects.filter(nonconformity=found, pk=pk).first()
    if action is None:
        raise Http404("No such action")
    form = ActionDoneForm(request.POST, prefix=f"done-{pk}")
    if form.is_valid():
        try:
            corrective_action_done(actor=request_user(request), action=action, note=form.cleaned_data["note"],
                                   done_on=form.cleaned_data["done_on"])  # fmt: skip
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Action marked done."))
            return redirect(found)
    return _detail(request, found, refused=form, done_forms={pk: form})


@writer
@require_POST
def verify(request: HttpRequest, ref: str) -> HttpResponse:
    found = _found(ref)
    form = EffectivenessForm(request.POST, prefix="verify")
    if form.is_valid():
        data = form.cleaned_data
        try:
            verified = effectiveness_verify(actor=request_user(request), nonconformity=found,
                                            effective=data["effective"] == EFFECTIVE, note=data["note"],
                                            verified_on=data["verified_on"])  # fmt: skip
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if verified.status == NonconformityStatus.CLOSED:
                messages.success(request, _("Verified effective: %(ref)s is closed.") % {"ref": verified.ref})
            else:
                messages.warning(request, _("Not effective: plan the next corrective actions."))
            return redirect(found)
    return _detail(request, found, refused=form, effectiveness_form=form)

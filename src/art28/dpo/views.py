"""Staff pages of the DPO desk (S11): the request list with its deadline clock, a request's page with
its actions, and the DPO profile. Who sees what: art28/dpo/roles.py (requests hold personal data).
No JavaScript: each action is a small form posting to its own URL.
"""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from art28.core.auth import request_user, role_required
from art28.core.dpo import dpo_profile, dpo_profile_update
from art28.core.listing import Column, csv_cell, sort_state
from art28.core.models import Language, User
from art28.core.selectors import organisation_by_ref
from art28.dpo.conf import forward_days
from art28.dpo.forms import DpoIntroductionForm
from art28.dpo.models import CONTROLLER_KIND_CHOICES, Kind, Outcome, Request, Status
from art28.dpo.roles import DPO_READERS, DPO_WRITERS
from art28.dpo.selectors import RequestFilters, request_by_reference, request_events, requests_for_staff
from art28.dpo.services import (
    request_assign,
    request_classify,
    request_close,
    request_extend,
    request_forward,
    request_note,
    request_reply,
)

reader = role_required(*DPO_READERS)
writer = role_required(*DPO_WRITERS)
PER_PAGE = 200
REQUEST_COLUMNS = (
    Column("reference", gettext_lazy("Reference"), ("reference",)),
    Column("kind", gettext_lazy("Kind"), ("kind",)),
    Column("received", gettext_lazy("Received"), ("received_on",)),
    Column("due", gettext_lazy("Due"), ("effective_due",)),
    Column("status", gettext_lazy("Status"), ("status",)),
    Column("assignee", gettext_lazy("Assignee"), ("assignee__email",)),
    Column("controller", gettext_lazy("Controller"), ("organisation__name",)),
)


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        messages.error(request, f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors))


def _filters(request: HttpRequest) -> RequestFilters:
    assignee = request.GET.get("assignee", "")
    return RequestFilters(
        status=request.GET.get("status", "open"),
        kind=request.GET.get("kind", "") if request.GET.get("kind", "") in Kind.values else "",
        assignee_id=int(assignee) if assignee.isdigit() else None,
    )


# The register as CSV: dates, states and who handles it; never the requester's identity or message
# (data minimisation, GDPR Art. 5(1)(c): a spreadsheet travels further than the desk).
REGISTER_COLUMNS = (
    "reference", "kind", "law", "received_on", "due_on", "extended_due_on", "status", "assignee",
    "controller", "forwarded_at", "controller_answer", "answered_at", "outcome", "closed_at",
    "whose_data", "due_basis", "law_due_on",
)  # fmt: skip


@reader
def request_list_csv(request: HttpRequest) -> HttpResponse:
    """The requests the list's filters select, every one of them (the page shows the first ones)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="dpo-requests.csv"'
    writer = csv.writer(response)
    writer.writerow(REGISTER_COLUMNS)
    rows = sort_state(request, REQUEST_COLUMNS).order(requests_for_staff(_filters(request), today=timezone.localdate()))
    for r in rows.iterator(chunk_size=2000):
        deadline = r.deadline
        writer.writerow(
            csv_cell(cell) for cell in [
                r.reference, r.kind, r.regime, r.received_on, r.due_on, r.extended_due_on or "", r.status,
                r.assignee.email if r.assignee else "", r.organisation.ref if r.organisation else "",
                r.forwarded_at or "", r.customer_answer, r.answered_at or "", r.outcome, r.closed_at or "",
                r.controller_kind, deadline.basis, deadline.law_due or "",
            ]
        )  # fmt: skip
    return response


@reader
def request_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    today = timezone.localdate()
    sort = sort_state(request, REQUEST_COLUMNS)
    rows = list(sort.order(requests_for_staff(filters, today=today))[:PER_PAGE])
    for row in rows:
        row.days_left = (row.effective_due - today).days  # type: ignore[attr-defined]
        row.days_late = -row.days_left  # type: ignore[attr-defined]
    return render(
        request,
        "dpo/request_list.html",
        {
            "rows": rows,
            "sort": sort.header(),
            "filters": filters,
            "kinds": Kind.choices,
            "statuses": [
                ("open", _("open or forwarded")),
                ("overdue", _("overdue")),
                (Status.FORWARDED.value, Status.FORWARDED.label),
                (Status.CLOSED.value, Status.CLOSED.label),
                ("", _("all")),
            ],
            "assignees": User.objects.filter(role__in=sorted(DPO_WRITERS), is_active=True).order_by("email"),
            "per_page": PER_PAGE,
        },
    )


def _get(reference: str) -> Request:
    try:
        return request_by_reference(reference)
    except Request.DoesNotExist as exc:
        raise Http404("No such request.") from exc


@reader
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    dpo_request = _get(reference)
    deadline = dpo_request.deadline
    today = timezone.localdate()
    return render(
        request,
        "dpo/request_detail.html",
        {
            "r": dpo_request,
            "deadline": deadline,
            "forward_days": forward_days(),
            "days_left": (days_left := (dpo_request.effective_due_on - today).days),
            "days_late": -days_left,
            # The same question the service asks (Deadline.extension_possible_on): what the page offers,
            # the service accepts.
            "can_extend": dpo_request.is_open
            and dpo_request.extended_due_on is None
            and deadline.extension_possible_on(today),
            "can_classify": dpo_request.status == Status.OPEN,
            "controller_kinds": CONTROLLER_KIND_CHOICES,
            "events": request_events(dpo_request),
            "can_write": request_user(request).role in DPO_WRITERS,
            "assignees": User.objects.filter(role__in=sorted(DPO_WRITERS), is_active=True).order_by("email"),
            "outcomes": Outcome.choices,
        },
    )


def _act(request: HttpRequest, reference: str, action, success: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    dpo_request = _get(reference)
    try:
        action(dpo_request)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, success)
    return redirect(dpo_request)


@writer
@require_POST
def assign_view(request: HttpRequest, reference: str) -> HttpResponse:
    raw = request.POST.get("assignee", "")
    assignee = User.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    return _act(
        request,
        reference,
        lambda r: request_assign(actor=request_user(request), request=r, assignee=assignee),
        _("Assignment saved."),
    )


@writer
@require_POST
def note_view(request: HttpRequest, reference: str) -> HttpResponse:
    text = request.POST.get("text", "")
    return _act(
        request, reference, lambda r: request_note(actor=request_user(request), request=r, text=text), _("Note kept.")
    )


@writer
@require_POST
def reply_view(request: HttpRequest, reference: str) -> HttpResponse:
    text = request.POST.get("text", "")
    return _act(
        request, reference, lambda r: request_reply(actor=request_user(request), request=r, text=text), _("Reply sent.")
    )


@writer
@require_POST
def extend_view(request: HttpRequest, reference: str) -> HttpResponse:
    reasons, raw = request.POST.get("reasons", ""), request.POST.get("new_due_on", "")
    try:
        new_due_on = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        messages.error(request, _("Enter the new deadline as a date, YYYY-MM-DD."))
        return redirect(_get(reference))
    return _act(
        request,
        reference,
        lambda r: request_extend(actor=request_user(request), request=r, reasons=reasons, new_due_on=new_due_on),
        _("Deadline extended; the requester is told why."),
    )


@writer
@require_POST
def forward_view(request: HttpRequest, reference: str) -> HttpResponse:
    ref = request.POST.get("organisation", "").strip()
    organisation = organisation_by_ref(ref) if ref else None
    if organisation is None:
        messages.error(request, _("No customer has the reference “%(ref)s”.") % {"ref": ref})
        return redirect(_get(reference))
    return _act(
        request,
        reference,
        lambda r: request_forward(actor=request_user(request), request=r, organisation=organisation),
        _("Forwarded to the controller; the requester is told."),
    )


@writer
@require_POST
def classify_view(request: HttpRequest, reference: str) -> HttpResponse:
    controller_kind = request.POST.get("controller_kind", "")
    return _act(
        request,
        reference,
        lambda r: request_classify(actor=request_user(request), request=r, controller_kind=controller_kind),
        _("Saved: the deadline follows whose data it is."),
    )


@writer
@require_POST
def close_view(request: HttpRequest, reference: str) -> HttpResponse:
    outcome, note = request.POST.get("outcome", ""), request.POST.get("note", "")
    reasons = request.POST.get("reasons", "")
    return _act(
        request,
        reference,
        lambda r: request_close(actor=request_user(request), request=r, outcome=outcome, note=note, reasons=reasons),
        _("Request closed."),
    )


@reader
def profile_view(request: HttpRequest) -> HttpResponse:
    profile = dpo_profile()
    can_write = request_user(request).role in DPO_WRITERS
    introduction = DpoIntroductionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_write:
            return HttpResponse(status=403)
        try:
            if not introduction.is_valid():
                raise ValidationError(introduction.errors)
            profile = dpo_profile_update(
                actor=request_user(request),
                name=request.POST.get("name", ""),
                email=request.POST.get("email", ""),
                phone=request.POST.get("phone", ""),
                postal_address=request.POST.get("postal_address", ""),
                introduction=introduction.cleaned_data["introduction"],
                introduction_i18n=introduction.translations()["introduction_i18n"],
                languages=request.POST.getlist("languages"),
            )
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("Profile saved; the trust center shows it now."))
            return redirect("dpo:profile")
    if request.method != "POST":
        introduction = DpoIntroductionForm(initial={"introduction": profile.introduction})
        introduction.initial_translations(profile)
    return render(
        request,
        "dpo/profile.html",
        {"profile": profile, "languages": Language.choices, "can_write": can_write, "introduction": introduction},
    )

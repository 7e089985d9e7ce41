"""Staff pages on breaches: the list, the declaration form, the incident page and its actions (S3).

Every staff role reads; security, DPO and administrators act (the auditor and operations only read);
customers never see these pages. No JavaScript: each action is a small form posting to its own URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from art28.breaches import forms as f
from art28.breaches.decisions import incident_decide_no_notification, incident_decide_notify, incident_impact_freeze
from art28.breaches.impact import impact_difference, impact_of_incident
from art28.breaches.lessons import LESSONS_MAX_CHARS, incident_lessons_record
from art28.breaches.models import Decision, Incident, Phase
from art28.breaches.selectors import (
    acknowledgement_times,
    affected_rows,
    clock_summary,
    customer_clocks,
    frozen_rows_for_difference,
    incident_by_ref,
    incidents,
    notices_with_acks,
)
from art28.breaches.services import (
    BREACH_WRITERS,
    can_write,
    incident_declare,
    incident_phase_change,
    incident_scope_set,
    incident_update,
    scope_refs,
    severity_assess,
)
from art28.breaches.severity import LEVEL_LABELS, SeverityInput
from art28.breaches.timeline import build_timeline
from art28.core.auth import request_user, role_required
from art28.core.listing import Column, csv_response, sort_state, wants_csv
from art28.core.models import User
from art28.core.roles import STAFF_ROLES

IMPACT_PAGE = 50
CLOCK_PAGE = 50

staff_reader = role_required(*STAFF_ROLES)
breach_writer = role_required(*BREACH_WRITERS)


def _add_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


INCIDENT_COLUMNS = (
    Column("ref", gettext_lazy("Reference"), ("ref",)),
    Column("title", gettext_lazy("Title"), ("title",)),
    Column("aware_at", gettext_lazy("Provider aware at"), ("aware_at",)),
    Column("severity", gettext_lazy("Severity"), ("severity_score",)),
    Column("notices", gettext_lazy("Notices sent"), ("notices_sent",)),
)


@staff_reader
def incident_list(request: HttpRequest) -> HttpResponseBase:
    form = f.ListFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = incidents(
        phase=filters.get("phase", ""),
        decision=filters.get("decision", ""),
        overdue=bool(filters.get("overdue")),
        year=filters.get("year"),
        query=filters.get("q", ""),
    )
    sort = sort_state(request, INCIDENT_COLUMNS)
    rows = sort.order(rows)
    if wants_csv(request):
        return csv_response(
            "incidents.csv",
            [
                _("Reference"),
                _("Title"),
                _("Provider aware at"),
                _("Phase"),
                _("Decision"),
                _("Severity"),
                _("Notices sent"),
            ],
            rows,
            lambda i: [
                i.ref,
                i.title,
                i.aware_at.isoformat(),
                i.get_phase_display(),
                i.get_decision_display(),
                "" if i.severity_score is None else i.severity_score,
                i.notices_sent,
            ],
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for incident in page.object_list:
        incident.severity_label = LEVEL_LABELS.get(incident.severity_level or "", "")  # type: ignore[attr-defined]
    return render(
        request,
        "breaches/list.html",
        {
            "form": form,
            "page": page,
            "sort": sort.header(),
            "overdue_count": incidents(overdue=True).count(),
            "can_write": can_write(request_user(request)),
        },
    )


def _prefill(request: HttpRequest) -> dict[str, str | list[str]]:
    """What a link may fill in ahead (e.g. from an exposure on the security-updates pages): the title,
    the description and the scope's assets and sites; the person still reviews and declares."""
    initial: dict[str, str | list[str]] = {
        name: request.GET[name][:limit]
        for name, limit in (("title", 200), ("description", 2000))
        if name in request.GET
    }
    if "assets" in request.GET:
        initial["assets"] = "\n".join(f.split_refs(request.GET["assets"][:5000]))
    if "sites" in request.GET:  # e.g. from a physical-security anomaly: the site whose zone was entered
        initial["sites"] = request.GET.getlist("sites")[:50]
    return initial


@breach_writer
def incident_declare_view(request: HttpRequest) -> HttpResponse:
    form = f.DeclareForm(request.POST or None, initial=_prefill(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = incident_declare(
                actor=request_user(request),
                title=data["title"],
                aware_at=data["aware_at"],
                started_at=data["started_at"],
                ended_at=data["ended_at"],
                natures=data["natures"],
                description=data["description"],
                assets=data["assets"],
                sites=data["sites"],
                services=data["services"],
                window_from=data["window_from"],
                window_to=data["window_to"],
                consequences=data["consequences"],
                measures=data["measures"],
                remedial_action=data["remedial_action"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Incident %(ref)s declared.") % {"ref": incident.ref})
            return redirect(incident)
    context = {
        "form": form,
        "facts_fields": [form[name] for name in f.FactsForm.base_fields],
        "scope_fields": [form[name] for name in f.ScopeForm.base_fields],
    }
    return render(request, "breaches/declare.html", context, status=400 if form.errors else 200)


def _facts_initial(incident: Incident) -> dict[str, Any]:
    return {
        "title": incident.title,
        "natures": incident.natures,
        "aware_at": incident.aware_at,
        "started_at": incident.started_at,
        "ended_at": incident.ended_at,
        "description": incident.description,
        "consequences": incident.consequences,
        "measures": incident.measures,
        "remedial_action": incident.remedial_action,
    }


def _scope_initial(incident: Incident) -> dict[str, Any]:
    refs = scope_refs(incident)
    return {
        "assets": "\n".join(refs["assets"]),
        "sites": refs["sites"],
        "services": refs["services"],
        "window_from": incident.window_from,
        "window_to": incident.window_to,
    }


def incident_context(request: HttpRequest, incident: Incident, **forms: Any) -> dict[str, Any]:
    """Everything the incident page shows; ``forms`` replaces a form (bound, with errors) after a failed POST."""
    live = impact_of_incident(incident)
    frozen = frozen_rows_for_difference(incident) if incident.decision != Decision.PENDING else []
    notices = notices_with_acks(incident)
    decisions = list(incident.decisions.all())
    assessments = list(incident.assessments.all())
    clock_page = Paginator(affected_rows(incident), CLOCK_PAGE).get_page(request.GET.get("customers_page"))
    impact_page = Paginator(live.customers, IMPACT_PAGE).get_page(request.GET.get("impact_page"))
    return {
        "incident": incident,
        "can_write": can_write(request_user(request)),
        "scope": scope_refs(incident),
        "live": live,
        "impact_page": impact_page,
        "difference": impact_difference(live, frozen) if incident.decision != Decision.PENDING else None,
        "decisions": decisions,
        "assessments": assessments,
        "latest_assessment": assessments[0] if assessments else None,
        "notices": notices,
        "notices_sent": any(n.sent_at for n in notices),
        "clock_page": clock_page,
        "clocks": customer_clocks(incident, list(clock_page.object_list), notices),
        "clock_summary": clock_summary(incident),
        "timeline": build_timeline(
            incident,
            decisions=decisions,
            assessments=assessments,
            notices=notices,
            acknowledgements=acknowledgement_times([n.pk for n in notices if n.sent_at]),
        ),
        "facts_form": forms.get("facts_form") or f.FactsForm(initial=_facts_initial(incident)),
        "scope_form": forms.get("scope_form") or f.ScopeForm(initial=_scope_initial(incident)),
        "decision_form": forms.get("decision_form") or f.DecisionForm(),
        "phase_form": forms.get("phase_form") or f.PhaseForm(initial={"phase": incident.phase}),
        "severity_form": forms.get("severity_form") or f.SeverityForm(),
        "lessons_form": forms.get("lessons_form") or LessonsForm(initial={"lessons_learned": incident.lessons_learned}),
        "notice_form": forms.get("notice_form")
        or f.NoticeCreateForm(initial={"kind": "update" if any(n.sent_at for n in notices) else "initial"}),
        "phases": Phase,
        "commitment_hours": settings.ART28_BREACH_NOTICE_HOURS,
    }


@staff_reader
def incident_page(request: HttpRequest, ref: str) -> HttpResponse:
    incident = incident_by_ref(ref)
    return render(request, "breaches/incident.html", incident_context(request, incident))


def _action(
    form_class: Callable[..., Any], form_name: str, act: Callable[[User, Incident, dict[str, Any]], str]
) -> Callable[[HttpRequest, str], HttpResponse]:
    """A POST handler: validate ``form_class``, call the service through ``act``, come back to the page
    with a message, or re-render the page with the form's errors (400)."""

    @breach_writer
    @require_POST
    def view(request: HttpRequest, ref: str) -> HttpResponse:
        incident = incident_by_ref(ref)
        form = form_class(request.POST)
        if form.is_valid():
            try:
                done = act(request_user(request), incident, form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect(incident)
        context = incident_context(request, incident, **{form_name: form})
        messages.error(request, _("Nothing was changed: please correct the errors below."))
        return render(request, "breaches/incident.html", context, status=400)

    return view


def _edit(user: User, incident: Incident, data: dict[str, Any]) -> str:
    natures = data.pop("natures")
    incident_update(actor=user, incident=incident, natures=natures, **data)
    return _("The facts were saved.")


def _scope(user: User, incident: Incident, data: dict[str, Any]) -> str:
    incident_scope_set(actor=user, incident=incident, **data)
    return _("The scope was saved; the impact below is recomputed from it.")


def _decide(user: User, incident: Incident, data: dict[str, Any]) -> str:
    if data["decision"] == Decision.NOTIFY:
        incident_decide_notify(actor=user, incident=incident, reason=data["reason"])
        return _("Decided to notify; the affected customers are frozen. Compose the first notice below.")
    incident_decide_no_notification(actor=user, incident=incident, reason=data["reason"])
    return _("Decided not to notify; the reason is recorded.")


def _phase(user: User, incident: Incident, data: dict[str, Any]) -> str:
    incident_phase_change(actor=user, incident=incident, phase=data["phase"], note=data["note"])
    return _("Phase changed.")


def _assess(user: User, incident: Incident, data: dict[str, Any]) -> str:
    notes = data.pop("notes")
    assessment = severity_assess(actor=user, incident=incident, values=SeverityInput(**data), notes=notes)
    return _("Severity assessed: %(score)s (%(level)s).") % {
        "score": assessment.score.normalize(),
        "level": LEVEL_LABELS[assessment.level],
    }


def _freeze(user: User, incident: Incident, data: dict[str, Any]) -> str:
    totals = incident_impact_freeze(actor=user, incident=incident)
    return _("Impact frozen again: %(customers)s customers.") % {"customers": totals["customers"]}


class _NoFields(f.forms.Form):
    pass


class LessonsForm(f.forms.Form):
    lessons_learned = f.forms.CharField(
        label=gettext_lazy("Lessons learned"),
        max_length=LESSONS_MAX_CHARS,
        widget=f.forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What to keep and what to change (ISO/IEC 27001:2022 A.5.27)."),
    )


def _lessons(user: User, incident: Incident, data: dict[str, Any]) -> str:
    incident_lessons_record(actor=user, incident=incident, text=data["lessons_learned"])
    return _("The lessons learned were saved.")


incident_edit = _action(f.FactsForm, "facts_form", _edit)
incident_scope = _action(f.ScopeForm, "scope_form", _scope)
incident_decide = _action(f.DecisionForm, "decision_form", _decide)
incident_phase = _action(f.PhaseForm, "phase_form", _phase)
incident_assess = _action(f.SeverityForm, "severity_form", _assess)
incident_freeze = _action(_NoFields, "freeze_form", _freeze)
incident_lessons = _action(LessonsForm, "lessons_form", _lessons)

"""Staff pages: the residency audit (S1), the same findings as `art28 residency-audit`."""

from __future__ import annotations

import datetime as dt
from typing import cast
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from art28.core.auth import staff_required
from art28.core.countries import country_name
from art28.residency.charts import BarChart, bar_chart
from art28.residency.engine import Violation, run_audit
from art28.residency.grouping import CauseGroup, group_violations
from art28.residency.moment import MomentRefused, as_of, picker_bounds, requested_moment
from art28.residency.reports import violations_json_chunks
from art28.residency.selectors import (
    REASON_LABELS,
    UNKNOWN_COUNTRY,
    AuditSummary,
    audit_summary,
    filter_violations,
)

PAGE_SIZE = 100
# The largest cause groups shown; the rest are counted (their rows stay in the findings below).
GROUPS_SHOWN = 50


class AuditFilterForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[("", _("Any reason")), *REASON_LABELS.items()],
    )
    customer = forms.CharField(label=_("Customer reference"), required=False, max_length=64)
    country = forms.CharField(
        label=_("Country"),
        required=False,
        max_length=7,
        help_text=_("ISO code (DE), or “unknown”"),
        widget=forms.TextInput(attrs={"size": 8, "placeholder": "DE"}),
    )
    # A cause group's key (residency.grouping.group_key): the drill-down from a group to its rows.
    group = forms.CharField(required=False, max_length=400, widget=forms.HiddenInput)
    # The audit as the inventory was then (from its history): a date (its end) or an ISO date-time.
    at = forms.CharField(
        label=_("As of"),
        required=False,
        max_length=40,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_at(self) -> dt.datetime | None:
        try:
            return requested_moment(self.cleaned_data.get("at") or "")
        except MomentRefused as refused:
            raise forms.ValidationError(str(refused), code="at") from None


def _form(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, str], dt.datetime | None]:
    """The filter form, its valid filters, and the moment asked for (None: now)."""
    form = AuditFilterForm(request.GET)
    form.is_valid()  # an invalid filter (an unknown reason) filters nothing; the form shows its error
    filters = {name: value for name, value in form.cleaned_data.items() if value}
    moment = filters.pop("at", None)
    # The history's first day needs a query until it is known: only when a moment is asked for.
    form.fields["at"].widget.attrs.update(picker_bounds(query=bool(request.GET.get("at"))))
    return form, filters, moment


def _json_download(violations: list[Violation], moment: dt.datetime | None) -> StreamingHttpResponse:
    response = StreamingHttpResponse(violations_json_chunks(violations), content_type="application/json")
    stamp = timezone.localtime(moment).strftime("%Y%m%dT%H%M")  # as of when: now, or the moment asked for
    response["Content-Disposition"] = f'attachment; filename="residency-audit-{stamp}.json"'
    return response


def _charts(summary: AuditSummary, keep: str) -> list[BarChart]:
    by_reason = [
        (code, summary.by_reason.get(code, 0), f"?{keep}" + urlencode({"reason": code})) for code in REASON_LABELS
    ]
    by_country = [
        (
            f"{code} {country_name(code)}" if code else gettext("unknown"),
            count,
            f"?{keep}" + urlencode({"country": code or UNKNOWN_COUNTRY}),
        )
        for code, count in summary.by_country[:12]
    ]
    return [
        bar_chart(gettext("Violations by reason"), by_reason),
        bar_chart(gettext("Violations by country"), by_country),
    ]


def _drilled(groups: list[CauseGroup], key: str) -> CauseGroup | None:
    return next((group for group in groups if group.key == key), None) if key else None


@staff_required
def audit_page(request: HttpRequest) -> HttpResponse:
    """The whole audit summarised (tiles, the findings grouped by cause, charts) and the filtered findings,
    100 per page; ``?group=`` drills down from a group to its rows; ``?at=`` the audit as the inventory was
    then (from its history), a bad or too early ``at`` a 400 with the form's message."""
    form, filters, moment = _form(request)
    if "at" in form.errors:
        return render(request, "residency/audit.html", {"form": form, "at_refused": True}, status=400)
    # The links that drill down keep the moment: "at=…&" before their own parameters.
    keep = urlencode({"at": request.GET["at"].strip()}) + "&" if moment else ""
    with as_of(moment):
        violations = run_audit(at=moment)
    shown = filter_violations(violations, **filters)
    if request.GET.get("format") == "json":
        # A streaming response is not an HttpResponse subclass; staff_required only passes it through.
        return cast(HttpResponse, _json_download(shown, moment))
    summary = audit_summary(violations)
    groups = group_violations(violations)
    page_obj = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "residency/audit.html",
        {
            "summary": summary,
            "reason_tiles": [(code, label, summary.by_reason[code]) for code, label in REASON_LABELS.items()],
            "charts": _charts(summary, keep) if summary.total else [],
            "form": form,
            "filtered": bool(filters),
            "moment": moment,
            "keep": keep,
            "groups": groups[:GROUPS_SHOWN],
            "groups_total": len(groups),
            "groups_hidden": max(len(groups) - GROUPS_SHOWN, 0),
            "drilled": _drilled(groups, filters.get("group", "")),
            "shown_count": len(shown),
            "page_obj": page_obj,
            "rows": [(v, REASON_LABELS.get(v.reason, v.reason)) for v in page_obj.object_list],
        },
    )

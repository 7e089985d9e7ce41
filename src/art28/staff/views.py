"""The provider's back-office dashboard: one glance at every commitment's state."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from art28.assurance.pentest_selectors import cadence_statuses
from art28.assurance.selectors import certifications_needing_attention
from art28.breaches.lessons import incidents_closed_without_lessons
from art28.breaches.selectors import open_incidents, overdue_incidents
from art28.breaches.severity import LEVEL_LABELS
from art28.core.auth import staff_required
from art28.core.dpo import dpo_contact_problem, dpo_profile
from art28.core.selectors import security_txt_state
from art28.dpo.roles import DPO_READERS
from art28.dpo.selectors import deadline_watch
from art28.duties.selectors import duties_attention
from art28.evidence.improvement import nonconformity_counts, overdue_actions
from art28.evidence.selectors import control_statuses, status_counts
from art28.inventory.selectors import inventory_counts
from art28.physical.reviews import leavers_with_access, overdue_reviews
from art28.records.selectors import overdue_measures
from art28.residency.findings import REASON_TITLES
from art28.residency.selectors import residency_summary
from art28.subprocessors.selectors import open_objections, upcoming_changes


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    residency = residency_summary()
    by_reason = [(str(REASON_TITLES.get(reason, reason)), count) for reason, count in residency["by_reason"].items()]
    objections = open_objections()
    measures_overdue = overdue_measures().select_related("owner")
    # Requests hold personal data: only the DPO desk's readers see them (art28/dpo/roles.py).
    dpo_reader = getattr(request.user, "role", "") in DPO_READERS
    dpo_overdue, dpo_approaching = deadline_watch() if dpo_reader else ([], [])
    dpo = dpo_profile()
    controls = control_statuses()
    without_lessons = incidents_closed_without_lessons()
    nonconformities = nonconformity_counts()
    return render(
        request,
        "staff/dashboard.html",
        {
            "counts": inventory_counts(),
            "residency": residency,
            "by_reason": sorted(by_reason),
            "overdue_breaches": overdue_incidents(),
            # Severity in words (ENISA 2013 levels), never the internal code.
            "open_breaches": [
                (i, LEVEL_LABELS.get(getattr(i, "severity_level", None) or "")) for i in open_incidents()
            ],
            "breach_notice_hours": settings.ART28_BREACH_NOTICE_HOURS,
            "open_objections": list(objections[:10]),
            "open_objection_count": objections.count(),
            "upcoming_changes": upcoming_changes(),
            # GDPR Art. 28(2): customers whose data sub-processors process, with no recorded authorisation.
            "unauthorised_count": residency["unauthorised_count"],
            "unauthorised": residency["unauthorised"],
            "overdue_measures": list(measures_overdue[:10]),
            "overdue_measure_count": measures_overdue.count(),
            "dpo": dpo,
            "dpo_contact_problem": dpo_contact_problem(dpo),
            "dpo_reader": dpo_reader,
            "dpo_overdue": dpo_overdue,
            "dpo_approaching": dpo_approaching,
            "security_txt": security_txt_state(),
            # Published certifications that expired or expire within 60 days (renewal audits take weeks).
            "certifications_attention": certifications_needing_attention(),
            # S6: services whose last completed intrusion test is older than their cadence, or never tested.
            "pentest_overdue": [c for c in cadence_statuses() if c.overdue(timezone.localdate())],
            # S2: controls by status, the failing then the oldest stale named.
            "control_counts": status_counts(controls),
            "controls_attention": [c for c in controls if c.status in ("failing", "stale")][:5],
            # ISO/IEC 27001:2022 10.2 and A.5.27: what is still to be corrected, and what no one learned from.
            "without_lessons": list(without_lessons[:10]),
            "without_lessons_count": without_lessons.count(),
            "nonconformities_unclosed": sum(n for status, n in nonconformities.items() if status != "closed"),
            "corrective_actions_overdue": overdue_actions().count(),
            # S5: access reviews past their due day, and people who left but may still enter.
            "physical_reviews_overdue": list(overdue_reviews().select_related("site", "zone")[:10]),
            "physical_leavers": leavers_with_access().values("person_id").distinct().count(),
            # GDPR Art. 28(3)(a),(g),(h): customers' audit requests, held instructions, ends of contract.
            "duties": duties_attention(),
            "today": timezone.localdate(),
        },
    )

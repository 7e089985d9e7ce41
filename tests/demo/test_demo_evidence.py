"""The demo's controls and evidence (S2): every status shows, and the real collectors reproduced a year of
evidence from the demo's history (monthly items reach back eleven months and more)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from art28.evidence.models import Evidence, Reminder
from art28.evidence.selectors import control_statuses
from art28.notify.models import Message

pytestmark = pytest.mark.django_db


def test_the_demo_has_controls_in_every_status_and_a_year_of_evidence():
    out = io.StringIO()
    call_command("load_demo", "--customers", "40", "--no-logins", stdout=out)
    assert "evidence:" in out.getvalue() and "collector error" not in out.getvalue()
    statuses = {s.measure.ref: s.status for s in control_statuses()}
    assert set(statuses.values()) == {"effective", "stale", "failing", "not-applicable"}
    assert statuses["tom-b-paper-records"] == "not-applicable"
    assert statuses["tom-b-access-control"] == "stale"  # its quarterly review is overdue
    oldest = Evidence.objects.filter(collector="patching.service_levels").order_by("effective_at").first()
    assert oldest is not None and (timezone.now() - oldest.effective_at).days >= 330
    # The weekly residency audits, run against the demo's (back-dated) inventory history, cover the year.
    weekly = Evidence.objects.filter(collector="residency.audit")
    assert weekly.count() >= 52 and (timezone.now() - weekly.order_by("effective_at")[0].effective_at).days >= 358
    collectors = set(Evidence.objects.values_list("collector", flat=True))
    assert {"records.measure_review", "assurance.intrusion_test", "patching.service_levels",
            "breaches.notification", "dpo.request"} <= collectors  # fmt: skip
    assert Evidence.objects.filter(source="upload").count() == 3
    # The owners of the failing and stale controls were reminded through the outbox.
    reminded = set(Reminder.objects.values_list("control__ref", "kind"))
    assert ("tom-b-access-control", "test-overdue") in reminded
    today = timezone.localdate()
    failing = {s.measure.ref for s in control_statuses() if s.status == "failing"}
    overdue = {
        s.measure.ref for s in control_statuses() if s.status != "not-applicable" and s.measure.next_review_on < today
    }
    assert failing and {(ref, "control-failing") for ref in failing} <= reminded
    assert overdue and {(ref, "test-overdue") for ref in overdue} <= reminded
    assert Message.objects.filter(topic="evidence.reminder").exists()

"""Reminders to owners through the outbox (S2, issue 15 point 3; docs/evidence.md "Reminders"): before
evidence expires, a test falls due (GDPR Art. 32(1)(d) "regularly testing") or a corrective action is due
(ISO/IEC 27001:2022 clause 10.2 c), and once when it has lapsed; each thing once; one mail per owner."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.evidence import Collected
from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.evidence.collection import evidence_collect
from art28.evidence.improvement import (
    corrective_action_add,
    corrective_action_done,
    nonconformity_raise,
    nonconformity_root_cause_set,
)
from art28.evidence.models import ReminderKind
from art28.evidence.reminders import reminders_due, reminders_send
from art28.notify.models import Message
from art28.notify.worker import deliver_due
from tests.evidence.conftest import at

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")
TODAY = dt.date(2026, 12, 4)
LEAD = 14


def collector_of(items: dict[dt.date, tuple[int, bool]]):
    """One item per day: (days it stays valid, passed); the dict may grow between collections."""

    def collect(since, until):
        for day, (valid_days, passed) in sorted(items.items()):
            if since <= at(day) < until:
                yield Collected(key=day.isoformat(), title=f"audit of {day}", effective_at=at(day), data={},
                                passed=passed, valid_until=day + dt.timedelta(days=valid_days))  # fmt: skip

    return collect


@pytest.fixture
def proved(measure, register):
    """prove({day: (valid days, passed)}): the measure proved by the test.audit collector's items of those
    days, collected up to ``until``; its test far away (only the evidence matters here)."""
    items: dict[dt.date, tuple[int, bool]] = {}
    register("test.audit", collector_of(items))
    measure.evidence_sources = ["test.audit"]
    measure.next_review_on = TODAY + dt.timedelta(days=300)
    measure.save()

    def prove(new: dict[dt.date, tuple[int, bool]], until: dt.date = TODAY):
        items.update(new)
        evidence_collect(actor=ACTOR, until=at(until, 0))
        return measure

    return prove


def kinds(today=TODAY):
    return sorted((due.kind, due.subject, due.due_on) for due in reminders_due(today=today, lead=LEAD))


@pytest.mark.parametrize(("days_left", "reminded"), [(LEAD, True), (LEAD + 1, False), (0, True)])
def test_evidence_is_reminded_from_the_lead_day_before_it_expires(proved, days_left, reminded):
    effective = TODAY - dt.timedelta(days=60)
    proved({effective: ((TODAY - effective).days + days_left, True)})
    expected = [(ReminderKind.EVIDENCE_EXPIRING, "tom-b-tenant-isolation/test.audit", TODAY + dt.timedelta(days_left))]
    assert kinds() == (expected if reminded else [])


def test_evidence_valid_through_today_has_not_expired_yesterdays_has(proved):
    effective = TODAY - dt.timedelta(days=60)
    proved({effective: (59, True)})  # valid until yesterday
    assert kinds() == [(ReminderKind.EVIDENCE_EXPIRED, "tom-b-tenant-isolation/test.audit", TODAY - dt.timedelta(1))]
    assert kinds(today=TODAY - dt.timedelta(days=1))[0][0] == ReminderKind.EVIDENCE_EXPIRING


def test_short_lived_evidence_that_art28_renews_is_reminded_only_once_it_lapses(proved):
    """A weekly audit valid 8 days is renewed by art28's schedule before it lapses: no reminder every week."""
    proved({TODAY - dt.timedelta(days=3): (8, True)})
    assert kinds() == []
    assert kinds(today=TODAY + dt.timedelta(days=6))[0][0] == ReminderKind.EVIDENCE_EXPIRED


def test_evidence_valid_exactly_the_lead_is_short_lived_one_day_more_is_not(proved):
    effective = TODAY - dt.timedelta(days=1)
    proved({effective: (LEAD, True)})  # valid until TODAY + 13: within the lead, but lasts only the lead
    assert kinds() == []


def test_evidence_valid_one_day_more_than_the_lead_is_reminded(proved):
    effective = TODAY - dt.timedelta(days=1)
    proved({effective: (LEAD + 1, True)})
    assert [k for k, *_ in kinds()] == [ReminderKind.EVIDENCE_EXPIRING]


def test_a_failing_item_is_reminded_with_what_it_found(proved):
    proved({TODAY - dt.timedelta(days=2): (30, False)})
    (due,) = reminders_due(today=TODAY, lead=LEAD)
    assert (due.kind, due.due_on, due.detail) == (ReminderKind.CONTROL_FAILING, TODAY - dt.timedelta(2),
                                                  f"audit of {TODAY - dt.timedelta(2)}")  # fmt: skip


@pytest.mark.parametrize(
    ("test_in_days", "kind"),
    [(LEAD + 1, None), (LEAD, ReminderKind.TEST_DUE), (0, ReminderKind.TEST_DUE), (-1, ReminderKind.TEST_OVERDUE)],
)
def test_a_controls_test_is_reminded_from_the_lead_day_and_a_test_due_today_is_not_overdue(measure, test_in_days, kind):
    measure.next_review_on = TODAY + dt.timedelta(days=test_in_days)
    measure.save()
    expected = [(kind, "tom-b-tenant-isolation/test", measure.next_review_on)] if kind else []
    assert kinds() == expected


def test_a_control_that_does_not_apply_is_not_reminded(measure):
    measure.next_review_on = TODAY - dt.timedelta(days=10)
    measure.applicable, measure.applicability_reason = False, "No shared hosting is offered."
    measure.save()
    assert kinds() == []


@pytest.fixture
def action(measure):
    owner = measure.owner  # security: handles nonconformities
    nc = nonconformity_raise(actor=owner, source="internal-audit", title="Backups untested",
                             description="No restore test in 2026.")  # fmt: skip
    nonconformity_root_cause_set(actor=owner, nonconformity=nc, root_cause="No owner for restore tests.")
    measure.next_review_on = timezone.localdate() + dt.timedelta(days=300)
    measure.save()
    return corrective_action_add(actor=owner, nonconformity=nc, description="Name an owner for restore tests",
                                 owner=measure.owner, due_on=timezone.localdate() + dt.timedelta(days=3))  # fmt: skip


def test_a_corrective_action_is_due_on_its_day_and_overdue_the_day_after(action):
    due_day = action.due_on
    subject = f"{action.nonconformity.ref}/{action.pk}"
    assert kinds(today=due_day - dt.timedelta(days=LEAD + 1)) == []
    assert kinds(today=due_day - dt.timedelta(days=LEAD)) == [(ReminderKind.ACTION_DUE, subject, due_day)]
    assert kinds(today=due_day) == [(ReminderKind.ACTION_DUE, subject, due_day)]
    assert kinds(today=due_day + dt.timedelta(days=1)) == [(ReminderKind.ACTION_OVERDUE, subject, due_day)]


def test_a_done_action_is_not_reminded(action):
    corrective_action_done(actor=action.owner, action=action, note="Named the storage team's lead.")
    assert kinds(today=action.due_on + dt.timedelta(days=5)) == []


def test_each_thing_is_reminded_once_and_a_new_lapse_again(proved):
    measure = proved({TODAY - dt.timedelta(days=60): (59, True)})  # expired yesterday
    first = reminders_send(actor=ACTOR, today=TODAY, lead=LEAD)
    assert first.count == 1 and Message.objects.count() == 1
    again = reminders_send(actor=ACTOR, today=TODAY + dt.timedelta(days=1), lead=LEAD)
    assert again.count == 0 and again.already == 1 and Message.objects.count() == 1
    # New evidence came and lapsed in turn: a new thing, reminded again.
    newer = TODAY + dt.timedelta(days=2)
    proved({newer: (40, True)}, until=newer + dt.timedelta(days=1))
    later = reminders_send(actor=ACTOR, today=newer + dt.timedelta(days=41), lead=LEAD)
    assert [(d.kind, d.due_on) for d in later.sent[measure.owner]] == [
        (ReminderKind.EVIDENCE_EXPIRED, newer + dt.timedelta(days=40))
    ]


def test_one_mail_per_owner_most_urgent_first_over_real_smtp_and_one_audit_entry(proved, action, smtp_server, settings):
    settings.ART28_BASE_URL = "https://art28.example-hosting.ch"
    measure = proved({TODAY - dt.timedelta(days=60): (59, True)})  # expired yesterday
    today = action.due_on + dt.timedelta(days=1)  # the action is overdue too, the test far away
    report = reminders_send(actor=ACTOR, today=today, lead=LEAD)
    assert list(report.sent) == [measure.owner] and report.count == 2
    deliver_due()
    smtp_server.sink.wait_for(1)
    (mail,) = smtp_server.received
    assert mail.rcpt_tos == [measure.owner.email]
    assert "2 controls or corrective actions need you" in mail.message["Subject"]
    body = mail.message.get_body(preferencelist=("plain",)).get_content()
    assert body.index("tom-b-tenant-isolation (Tenant isolation) is stale") < body.index(action.nonconformity.ref)
    assert "https://art28.example-hosting.ch/staff/evidence/controls/tom-b-tenant-isolation/" in body
    assert f"https://art28.example-hosting.ch/staff/evidence/nonconformities/{action.nonconformity.ref}/" in body
    (entry,) = AuditEntry.objects.filter(action="evidence.reminders_send")
    message = Message.objects.get(topic="evidence.reminder")
    assert entry.object_repr == message.reference and measure.owner.email not in entry.object_repr
    assert entry.after["recipient_id"] == measure.owner.pk and len(entry.after["reminders"]) == 2


def test_the_mail_is_in_the_owners_language(proved, measure):
    measure.owner.language = "fr"
    measure.owner.save()
    measure.title_i18n = {"fr": "Isolation des clients"}
    measure.save()
    proved({TODAY - dt.timedelta(days=60): (59, True)})
    reminders_send(actor=ACTOR, today=TODAY, lead=LEAD)
    message = Message.objects.get(topic="evidence.reminder")
    assert message.language == "fr"
    assert "tom-b-tenant-isolation (Isolation des clients)" in message.body_text
    assert "1 contrôle ou action corrective" in message.subject


def test_a_closed_owners_reminders_go_to_the_dpo(proved, measure, make_user):
    dpo = make_user("dpo@example-hosting.ch", Role.DPO)
    measure.owner.is_active = False
    measure.owner.save()
    proved({TODAY - dt.timedelta(days=60): (59, True)})
    report = reminders_send(actor=ACTOR, today=TODAY, lead=LEAD)
    assert list(report.sent) == [dpo]
    assert Message.objects.get(topic="evidence.reminder").to_address == dpo.email


def test_the_command_lists_without_sending_then_sends(proved, capsys):
    proved({timezone.localdate() - dt.timedelta(days=60): (59, True)})
    call_command("evidence_remind", "--dry-run", "--json")
    (row,) = json.loads(capsys.readouterr().out)
    assert row["kind"] == "evidence-expired" and row["already_sent"] is False
    assert not Message.objects.exists()
    call_command("evidence_remind")
    assert "1 reminder(s) sent in 1 mail(s)" in capsys.readouterr().out
    assert Message.objects.filter(topic="evidence.reminder").count() == 1


def test_the_controls_page_lists_the_reminders_sent(proved, measure, auditor):
    from tests.conftest import logged_in

    page = logged_in(auditor).get(f"/staff/evidence/controls/{measure.ref}/")
    assert "No reminder yet. The owner is told 14 days before" in page.text
    proved({TODAY - dt.timedelta(days=60): (59, True)})
    reminders_send(actor=ACTOR, today=TODAY, lead=LEAD)
    page = logged_in(auditor).get(f"/staff/evidence/controls/{measure.ref}/")
    assert "evidence expired" in page.text and measure.owner.email in page.text
    assert "tom-b-tenant-isolation/test.audit" in page.text

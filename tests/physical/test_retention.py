"""The badge log's retention (issue 16 point 6; GDPR Art. 5(1)(e)): events older than the retention go,
on the site's clock, with one audit entry; the provider's own record of processing lists this processing
with the retention of the setting (GDPR Art. 30(1))."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from art28.core.dates import add_months
from art28.core.models import AuditEntry
from art28.physical.models import BadgeEvent
from art28.physical.retention import physical_events_purge
from tests.conftest import logged_in
from tests.physical.conftest import ACTOR

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def event_on(day: dt.date) -> str:
    return f"{day.isoformat()}T12:00:00+01:00,GVA1,hall,H1,B1,granted,in\n"


def test_events_before_the_cutoff_go_the_cutoff_day_stays(imported, capsys):
    cutoff = add_months(TODAY, -12)
    imported(event_on(cutoff - dt.timedelta(days=1)) + event_on(cutoff) + event_on(TODAY - dt.timedelta(days=1)))
    dry = physical_events_purge(actor=ACTOR, dry_run=True)
    assert dry.by_site == {"GVA1": 1} and BadgeEvent.objects.count() == 3
    assert not AuditEntry.objects.filter(action="physical.purge").exists()
    call_command("physical_purge")
    assert "1 badge event(s) before" in capsys.readouterr().out
    assert sorted(BadgeEvent.objects.values_list("local_date", flat=True)) == [cutoff, TODAY - dt.timedelta(days=1)]
    entry = AuditEntry.objects.get(action="physical.purge")
    assert entry.after["deleted"] == {"GVA1": 1} and entry.after["retention_months"] == 12


def test_a_shorter_retention_purges_more(imported, settings):
    settings.ART28_PHYSICAL_RETENTION_MONTHS = 1
    imported(event_on(TODAY - dt.timedelta(days=40)) + event_on(TODAY - dt.timedelta(days=2)))
    assert physical_events_purge(actor=ACTOR).deleted == 1


def test_the_providers_own_record_lists_the_badge_log_with_the_settings_retention(auditor, settings):
    settings.ART28_PHYSICAL_RETENTION_MONTHS = 6
    page = logged_in(auditor).get("/staff/records/own/")
    assert page.status_code == 200
    assert "Physical access control of the datacenters" in page.text
    assert "Badge events 6 months" in page.text and "kept by art28" in page.text
    export = logged_in(auditor).get("/staff/records/own/record.json")
    assert "Physical access control of the datacenters" in export.content.decode()

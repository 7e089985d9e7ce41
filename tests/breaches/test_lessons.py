"""An incident's lessons learned (ISO/IEC 27001:2022 A.5.27 and clause 10.2; GDPR Art. 32(1)(d)): written
on the incident with an audit entry, refused empty or by a reader, and a closed incident without them is
listed on the staff dashboard until someone writes them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from art28.breaches.decisions import incident_decide_no_notification
from art28.breaches.lessons import incident_lessons_record, incidents_closed_without_lessons
from art28.breaches.models import Incident
from art28.breaches.services import incident_phase_change
from art28.core.models import AuditEntry
from art28.core.roles import Role
from tests.breaches.flows import declared
from tests.conftest import TEST_ACTOR, logged_in

pytestmark = pytest.mark.django_db

LESSONS = "Hypervisor patches now go out within 24 hours; the isolation probe runs hourly."


def _closed(title: str = "Hypervisor escape on GVA1") -> Incident:
    incident = declared(title=title)
    incident_decide_no_notification(actor=TEST_ACTOR, incident=incident, reason="No personal data was read.")
    return incident_phase_change(actor=TEST_ACTOR, incident=incident, phase="closed")


def test_lessons_are_recorded_with_an_audit_entry_iso_27001_a_5_27(breach_world, security_user):
    incident = _closed()
    recorded = incident_lessons_record(actor=security_user, incident=incident, text=f"  {LESSONS}\n")
    assert recorded.lessons_learned == LESSONS
    entry = AuditEntry.objects.get(action="incident.lessons_record")
    assert entry.object_id == str(incident.pk) and entry.after == {"lessons_learned": LESSONS}
    assert entry.before == {"lessons_learned": ""} and entry.actor_label == security_user.email
    incident_lessons_record(actor=security_user, incident=incident, text=LESSONS)  # unchanged: no entry
    assert AuditEntry.objects.filter(action="incident.lessons_record").count() == 1


def test_empty_lessons_and_readers_are_refused(breach_world, make_user):
    incident = _closed()
    with pytest.raises(ValidationError) as refused:
        incident_lessons_record(actor=TEST_ACTOR, incident=incident, text="   ")
    assert "lessons_learned" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        incident_lessons_record(actor=make_user("a@provider.example", Role.AUDITOR), incident=incident, text=LESSONS)
    incident.refresh_from_db()
    assert incident.lessons_learned == ""


def test_closed_incidents_without_lessons_are_listed_until_written(breach_world):
    closed, other = _closed(), _closed("Bucket listed publicly")
    declared(title="Still open")
    assert list(incidents_closed_without_lessons()) == [closed, other]
    incident_lessons_record(actor=TEST_ACTOR, incident=closed, text=LESSONS)
    assert list(incidents_closed_without_lessons()) == [other]


def test_the_dashboard_lists_closed_incidents_without_lessons(breach_world, make_user):
    incident = _closed()
    client = logged_in(make_user("auditor@provider.example", Role.AUDITOR))
    page = client.get("/staff/").content.decode()
    assert "1 closed incident has no lessons learned recorded" in page
    assert f'href="/staff/breaches/{incident.ref}/#lessons-h"' in page
    incident_lessons_record(actor=TEST_ACTOR, incident=incident, text=LESSONS)
    assert "no lessons learned recorded" not in client.get("/staff/").content.decode()


def test_the_incident_page_records_lessons_and_offers_a_nonconformity(breach_world, security_client):
    incident = _closed()
    url = f"/staff/breaches/{incident.ref}/"
    page = security_client.get(url).content.decode()
    assert "Closed without lessons learned" in page and 'id="lessons-form"' in page
    assert f"/staff/evidence/nonconformities/new/?source=incident&amp;source_ref={incident.ref}" in page
    response = security_client.post(f"{url}lessons/", {"lessons_learned": LESSONS})
    assert response.status_code == 302 and response["Location"] == url
    assert LESSONS in security_client.get(url).content.decode()


def test_empty_lessons_are_a_400_next_to_the_field_and_change_nothing(breach_world, security_client):
    incident = _closed()
    before = AuditEntry.objects.count()
    response = security_client.post(f"/staff/breaches/{incident.ref}/lessons/", {"lessons_learned": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    incident.refresh_from_db()
    assert incident.lessons_learned == "" and AuditEntry.objects.count() == before


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.OPERATIONS])
def test_readers_see_the_lessons_but_cannot_write_them(breach_world, make_user, role):
    incident = _closed()
    incident_lessons_record(actor=TEST_ACTOR, incident=incident, text=LESSONS)
    client = logged_in(make_user(f"{role}@provider.example", role))
    page = client.get(f"/staff/breaches/{incident.ref}/").content.decode()
    assert LESSONS in page and 'id="lessons-form"' not in page
    assert client.post(f"/staff/breaches/{incident.ref}/lessons/", {"lessons_learned": "x"}).status_code == 403

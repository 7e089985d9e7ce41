"""The breach register (GDPR Art. 33(5)) and the retention of breach documentation (DSV Art. 15(4))."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from art28.breaches.decisions import incident_decide_no_notification
from art28.breaches.models import Incident
from art28.breaches.register import COLUMNS, csv_chunks
from art28.breaches.services import IncidentRetained, incident_delete, incident_update, retained_until, severity_assess
from art28.breaches.severity import SeverityInput
from art28.core.models import AuditEntry
from art28.notify.models import Message
from tests.breaches.flows import declared, notified
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db


def register_csv() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("".join(csv_chunks()))))


def test_art_33_5_register_has_facts_effects_decisions_notices_and_remedial_action(breach_world):
    """GDPR Art. 33(5): "the facts relating to the personal data breach, its effects and the remedial action taken"."""
    notice = notified()
    incident = notice.incident
    incident_update(actor=TEST_ACTOR, incident=incident, remedial_action="Hypervisor patched on every host.")
    severity_assess(
        actor=TEST_ACTOR,
        incident=incident,
        values=SeverityInput(dpc_base=1, ease_of_identification=Decimal("1"), cb_confidentiality=Decimal("0.5")),
    )
    Message.objects.filter(organisation=breach_world.acme).update(acknowledged_at=timezone.now())
    other = declared(title="Lost backup tape")
    incident_decide_no_notification(actor=TEST_ACTOR, incident=other, reason="The tape was encrypted.")
    rows = register_csv()
    assert list(rows[0]) == list(COLUMNS)
    first, second = rows
    assert first["ref"] == incident.ref and first["nature"] == "confidentiality;integrity"
    assert first["scope_sites"] == "GVA1" and first["ended_at"] == "ongoing"
    assert (first["affected_customers"], first["subjects"], first["records"]) == ("2", "1350", "5360")
    assert "notify by pytest (2 customers)" in first["decisions"]
    assert "no. 1 initial sent" in first["notices"] and "to 2 customers, 1 acknowledged" in first["notices"]
    assert first["remedial_action"] == "Hypervisor patched on every host."
    assert (first["severity_score"], first["severity_level"]) == ("1.50", "low")
    assert second["decision"] == "no_notification" and second["decision_reason"] == "The tape was encrypted."
    assert "no_notification by pytest" in second["decisions"] and "The tape was encrypted." in second["decisions"]


def test_the_register_is_built_in_a_constant_number_of_queries(breach_world, django_assert_max_num_queries):
    notified()
    with django_assert_max_num_queries(12) as one:
        register_csv()
    for _ in range(4):
        notified(declared())
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(register_csv()) == 5


def test_the_register_pdf_is_a_pdf_with_every_incident(breach_world):
    from art28.breaches.register import register_pdf

    notified()
    pdf = register_pdf()
    assert pdf.startswith(b"%PDF")


def test_dsv_art_15_4_no_deletion_within_two_years_of_the_last_notice(breach_world):
    """DSV Art. 15(4): the breach documentation is kept at least two years from the notification."""
    notice = notified()
    incident = notice.incident
    with pytest.raises(IncidentRetained) as caught:
        incident_delete(actor=TEST_ACTOR, incident=incident)
    assert "DSV Art. 15(4)" in caught.value.messages[0] and "two years" in caught.value.messages[0]
    assert Incident.objects.filter(pk=incident.pk).exists()
    # A later notice moves the date.
    update = notified(incident, kind="update")
    assert retained_until(incident) == update.sent_at.replace(year=update.sent_at.year + 2)


def test_dsv_art_15_4_deletion_allowed_after_two_years_and_audited(breach_world):
    notice = notified()
    incident = notice.incident
    long_ago = timezone.now() - dt.timedelta(days=2 * 366 + 1)
    type(notice).objects.filter(pk=notice.pk).update(sent_at=long_ago)
    incident_delete(actor=TEST_ACTOR, incident=incident)
    assert not Incident.objects.filter(pk=incident.pk).exists()
    entry = AuditEntry.objects.get(action="incident.delete")
    assert entry.after["ref"] == incident.ref


def test_dsv_art_15_4_an_incident_never_notified_is_kept_two_years_from_its_declaration(breach_world):
    incident = declared()
    incident_decide_no_notification(actor=TEST_ACTOR, incident=incident, reason="No personal data involved.")
    with pytest.raises(IncidentRetained):
        incident_delete(actor=TEST_ACTOR, incident=incident)


def test_retention_counts_from_29_february(breach_world):
    incident = declared()
    incident.declared_at = dt.datetime(2024, 2, 29, 12, tzinfo=dt.UTC)
    assert retained_until(incident) == dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


def test_the_admin_cannot_change_or_delete_incidents(breach_world, make_user):
    incident = declared()
    request = RequestFactory().get("/")
    request.user = make_user("root@provider.example", "admin")
    model_admin = admin.site._registry[Incident]
    assert not model_admin.has_delete_permission(request, incident)
    assert not model_admin.has_change_permission(request, incident)
    assert not model_admin.has_add_permission(request)

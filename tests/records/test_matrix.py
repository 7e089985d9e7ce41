"""The responsibility matrix (S9; GDPR Art. 28(3)(f)): staff edit lines; the portal shows the matrix of
the services the customer actually uses, with lines for every service, and never other services'."""

from __future__ import annotations

import pytest

from art28.core.models import AuditEntry
from art28.records.models import Responsibility
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_portal_shows_only_the_customers_services_with_the_common_lines(records_world, acme_admin):
    page = logged_in(acme_admin).get("/portal/responsibilities/").content.decode()
    assert "Backup" in page and "Web hosting" in page and "Running nightly backups." in page
    assert page.count("What you store.") == 2  # the every-service line, under each of ACME's two services
    assert "Mailbox passwords" not in page  # Mail is BETA's service, not ACME's


def test_portal_matrix_for_another_customer_shows_its_own_services(records_world, beta_admin_client):
    page = beta_admin_client.get("/portal/responsibilities/").content.decode()
    assert "Mailbox passwords" in page and "Running nightly backups." not in page


def test_dpo_adds_edits_and_removes_a_line_each_audited(records_world, dpo_client):
    backup = records_world.services["Backup"]
    form = {
        "service": backup.pk,
        "topic": "Restores",
        "customer_part": "Asking.",
        "provider_part": "Doing.",
        "position": 2,
    }
    assert dpo_client.post("/staff/records/responsibilities/", form).status_code == 302
    line = Responsibility.objects.get(topic="Restores")
    edited = form | {"provider_part": "Doing within 4 hours."}
    assert dpo_client.post(f"/staff/records/responsibilities/{line.pk}/", edited).status_code == 302
    assert dpo_client.post(f"/staff/records/responsibilities/{line.pk}/delete/").status_code == 302
    actions = list(
        AuditEntry.objects.filter(action__startswith="records.responsibility.").values_list("action", flat=True)
    )
    assert actions[-3:] == [
        "records.responsibility.create",
        "records.responsibility.update",
        "records.responsibility.delete",
    ]
    assert not Responsibility.objects.filter(topic="Restores").exists()


def test_a_topic_twice_for_one_service_is_refused_on_the_field(records_world, dpo_client):
    form = {
        "service": records_world.services["Backup"].pk,
        "topic": "Backups",
        "customer_part": "x",
        "provider_part": "y",
        "position": 0,
    }
    response = dpo_client.post("/staff/records/responsibilities/", form)
    assert response.status_code == 400 and "already has a line on this topic" in response.content.decode()
    assert Responsibility.objects.filter(topic="Backups").count() == 1


def test_other_staff_read_the_matrix_but_cannot_change_it(records_world, staff_client):
    assert "Running nightly backups." in staff_client.get("/staff/records/responsibilities/").content.decode()
    form = {"service": "", "topic": "X", "customer_part": "x", "provider_part": "y", "position": 0}
    assert staff_client.post("/staff/records/responsibilities/", form).status_code == 403
    assert not Responsibility.objects.filter(topic="X").exists()

"""The demo's records: a TOMs catalogue across GDPR Art. 32(1)(a)-(d) with two overdue reviews, the
matrix, the provider's own Art. 30(1) record; the demo customer's record, matrix and DPA pages work."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from art28.core.audit import verify_chain
from art28.core.models import User
from art28.records.generation import controller_record
from art28.records.models import ProcessingActivity, Responsibility, TechnicalMeasure
from art28.records.selectors import overdue_measures
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_the_demo_has_toms_in_every_art32_area_two_overdue_a_matrix_and_an_own_record():
    call_command("load_demo", "--customers", "30", stdout=io.StringIO())
    # The records' twelve, and the evidence demo's five organisational controls (demo/evidence.py).
    assert TechnicalMeasure.objects.count() == 17
    assert set(TechnicalMeasure.objects.values_list("area", flat=True)) == {"a", "b", "c", "d"}
    assert set(TechnicalMeasure.objects.values_list("owner__email", flat=True)) == {
        "dpo@example-hosting.ch",
        "security@example-hosting.ch",
        "ops@example-hosting.ch",
    }
    assert overdue_measures().count() == 2
    assert Responsibility.objects.filter(service__isnull=True).exists()
    assert Responsibility.objects.filter(service__isnull=False).count() >= 4
    assert 4 <= ProcessingActivity.objects.count() <= 5
    assert verify_chain().ok

    customer = User.objects.get(email="customer@example.org")
    record = controller_record(customer.organisation)
    assert record.services and record.measures
    client = logged_in(customer)
    for url in ("/portal/records/", "/portal/responsibilities/", "/portal/dpa/"):
        assert client.get(url).status_code == 200, url
    dashboard = logged_in(User.objects.get(email="dpo@example-hosting.ch")).get("/staff/").content.decode()
    assert "overdue measure reviews" in dashboard

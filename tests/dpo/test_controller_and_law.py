"""Who owes the deadline (GDPR Art. 12(3) binds the controller, not the processor; Art. 28(3)(e)): the
acknowledgement, the staff page, the API and the portal state the provider's own commitment for a
customer's data subject and the legal deadline only where the provider is the controller."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import formats, translation

from art28.core.models import AuditEntry
from art28.dpo.models import Request
from art28.dpo.selectors import deadline_watch
from art28.notify.worker import deliver_due
from tests.dpo.conftest import token_client

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "access",
    "name": "Jean Exemple",
    "email": "jean@example.net",
    "country": "FR",
    "language": "en",
    "message": "What does shop.acme.example keep about me?",
    "concerns": "shop.acme.example",
    "website": "",
}


def en_date(day: dt.date) -> str:
    with translation.override("en"):
        return formats.date_format(day, "DATE_FORMAT")


def acknowledgement(smtp_server) -> str:
    deliver_due()
    smtp_server.sink.wait_for(1)
    (mail,) = [r.message for r in smtp_server.received if "We received your message" in r.message["Subject"]]
    return mail.get_content()


def test_gdpr_art_12_3_the_acknowledgement_about_a_customers_data_names_the_forwarding_not_the_law(
    settings, smtp_server, dpo_client, org_a
):
    settings.ART28_DPO_FORWARD_DAYS = 7
    assert Client().post("/en/trust/contact/", FORM | {"controller_kind": "customer"}).status_code == 302
    request = Request.objects.get()
    dpo_client.post(f"/staff/dpo/{request.reference}/forward", {"organisation": org_a.ref})
    request.refresh_from_db()
    text = acknowledgement(smtp_server)

    controller_due = request.deadline.law_due  # both laws: a French resident, a Swiss provider
    assert controller_due is not None
    assert "as the law requires" not in text
    assert en_date(controller_due) not in text and controller_due.isoformat() not in text
    forward_by = request.received_on + dt.timedelta(days=7)
    assert f"within 7 days, by {en_date(forward_by)}" in text  # ART28_DPO_FORWARD_DAYS
    assert "it is the controller" in text and "answers your request" in text


def test_gdpr_art_12_3_the_acknowledgement_about_the_providers_own_data_states_the_legal_deadline(smtp_server):
    Client().post("/en/trust/contact/", FORM | {"controller_kind": "provider", "concerns": ""})
    request = Request.objects.get()
    text = acknowledgement(smtp_server)
    assert request.deadline.is_law and request.due_on == request.deadline.law_due
    assert f"We will answer by {en_date(request.due_on)} at the latest, as the law requires." in text
    assert "within 5 days" not in text


def test_gdpr_art_12_3_an_acknowledgement_not_knowing_whose_data_it_is_says_both_conditionally(smtp_server):
    Client().post("/en/trust/contact/", FORM | {"controller_kind": ""})
    request = Request.objects.get()
    text = acknowledgement(smtp_server)
    own = request.deadline_as("provider").due
    assert "If your request concerns our own processing" in text and en_date(own) in text
    assert f"within 5 days, by {en_date(request.received_on + dt.timedelta(days=5))}" in text
    assert "as the law requires" not in text  # a condition, not a promise on anyone's behalf
    # The provider's clock runs to the earlier of the two: it must decide by then whose data it is.
    assert request.due_on == request.received_on + dt.timedelta(days=5) and not request.deadline.is_law


def test_gdpr_art_3_where_neither_law_applies_the_acknowledgement_gives_a_commitment(settings, smtp_server):
    settings.ART28_PROVIDER_COUNTRY, settings.ART28_GDPR_OFFERS_TO_EEA = "US", False
    Client().post("/en/trust/contact/", FORM | {"controller_kind": "provider", "country": "US"})
    request = Request.objects.get()
    assert request.regime == "none"
    text = acknowledgement(smtp_server)
    assert f"We aim to answer by {en_date(request.due_on)} (our own commitment)." in text
    assert "as the law requires" not in text


def test_gdpr_art_28_3_e_staff_see_the_forwarding_commitment_and_the_controllers_deadline_as_information(
    dpo_user, dpo_client, submit
):
    request = submit(controller_kind="customer", country="DE")
    page = dpo_client.get(f"/staff/dpo/{request.reference}/").content.decode()
    assert "provider commitment: forward to the controller within 5 days" in page
    assert "The controller's legal deadline" in page and en_date(request.deadline.law_due) in page
    assert "the controller owes it, not us" in page
    assert "/extend" not in page  # the controller extends, not the processor

    detail = token_client(dpo_user).get(f"/api/v1/dpo/requests/{request.reference}").json()
    assert detail["controller_kind"] == "customer" and detail["due_is_law"] is False
    assert detail["due_on"] == (request.received_on + dt.timedelta(days=5)).isoformat()
    assert detail["law_due_on"] == request.deadline.law_due.isoformat() and "GDPR Art. 12(3)" in detail["law_basis"]
    assert detail["extension_possible_until"] is None

    csv = dpo_client.get("/staff/dpo/requests.csv?status=").content.decode()
    assert "whose_data,due_basis,law_due_on" in csv and ",customer,provider commitment: forward" in csv


def test_gdpr_art_12_3_the_processor_does_not_extend_a_customers_request(dpo_user, submit):
    from django.core.exceptions import ValidationError

    from art28.dpo.services import request_extend

    request = submit(controller_kind="customer", country="DE")
    with pytest.raises(ValidationError) as error:
        request_extend(actor=dpo_user, request=request, reasons="Busy.")
    assert "the customer, the controller, decides whether to extend" in str(error.value)
    unknown = submit(controller_kind="unknown", country="DE")
    with pytest.raises(ValidationError, match="Decide first"):
        request_extend(actor=dpo_user, request=unknown, reasons="Busy.")


def test_gdpr_art_12_3_classifying_decides_who_owes_the_deadline(dpo_client, submit):
    request = submit(controller_kind="unknown", country="CH")
    assert request.due_on == request.received_on + dt.timedelta(days=5)
    url = f"/staff/dpo/{request.reference}/classify"
    dpo_client.post(url, {"controller_kind": "provider"})
    request.refresh_from_db()
    assert request.controller_kind == "provider" and request.deadline.is_law
    assert request.due_on == request.deadline.law_due  # 30 days, to a working day (CO Art. 78)
    entry = AuditEntry.objects.get(action="dpo.request.classify")
    assert entry.after["controller_kind"] == "provider" and entry.after["before"]["controller_kind"] == "unknown"

    response = dpo_client.post(url, {"controller_kind": "somebody"}, follow=True)
    assert b"controller_kind: Choose one of" in response.content
    dpo_client.post(url, {"controller_kind": "customer"})
    request.refresh_from_db()
    assert request.due_on == request.received_on + dt.timedelta(days=5) and not request.deadline.is_law


def test_gdpr_art_28_3_e_once_forwarded_the_providers_clock_stops_and_the_controller_sees_its_own_deadline(
    dpo_user, dpo_client, submit, org_a, client_a, customer_a, capsys
):
    from django.core.management import call_command

    request = submit(country="DE", days_ago=8)  # filed as the provider's own, found to be Acme's
    dpo_client.post(f"/staff/dpo/{request.reference}/forward", {"organisation": org_a.ref})
    request.refresh_from_db()
    forward_by = request.received_on + dt.timedelta(days=5)
    assert request.controller_kind == "customer" and request.due_on == forward_by  # forwarded late
    assert AuditEntry.objects.get(action="dpo.request.forward").after["in_time"] is False
    overdue, approaching = deadline_watch()
    assert request not in overdue and request not in approaching
    assert "with the controller" in dpo_client.get("/staff/dpo/").content.decode()
    call_command("dpo_requests", "--json")
    assert '"days_left": null' in capsys.readouterr().out

    portal = client_a.get(f"/portal/requests/{request.public_id}/").content.decode()
    assert "Your legal deadline, for information" in portal and en_date(request.deadline.law_due) in portal
    assert en_date(forward_by) not in portal
    mine = token_client(customer_a).get(f"/api/v1/dpo/my/requests/{request.reference}").json()
    assert mine["legal_due_on"] == request.deadline.law_due.isoformat() and "effective_due_on" not in mine

    # "Not ours": back to the desk, and the forwarding commitment it missed shows as overdue.
    token_client(customer_a).post(
        f"/api/v1/dpo/my/requests/{request.reference}/answer", {"answer": "not_ours"}, content_type="application/json"
    )
    overdue, _ = deadline_watch()
    assert [r.reference for r in overdue] == [request.reference]

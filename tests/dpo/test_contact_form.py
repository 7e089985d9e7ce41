"""The public contact form (S11): a message becomes a request with a reference and its deadline, and the
requester really receives the acknowledgement (aiosmtpd). Honeypot, rate limit and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.dpo.conf import calendars
from art28.dpo.deadlines import both_due
from art28.dpo.models import Request
from art28.notify.worker import deliver_due

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "erasure",
    "name": "Jean Exemple",
    "email": "Jean@Example.net",
    "country": "FR",
    "language": "fr",
    "message": "Merci d'effacer mon compte sur shop.acme.example.",
    "concerns": "shop.acme.example",
    "controller_kind": "customer",
    "website": "",
}


def test_the_contact_page_shows_the_form_in_each_language_without_a_csrf_token():
    for lang in ("en", "fr", "de", "it"):
        response = Client().get(f"/{lang}/trust/contact/")
        assert response.status_code == 200
        assert f'action="/{lang}/trust/contact/"'.encode() in response.content
        assert response["Content-Language"] == lang
        assert b"csrfmiddlewaretoken" not in response.content
    assert b'name="country"' in Client().get("/trust/contact/").content


def test_a_submission_files_a_request_and_the_requester_receives_the_acknowledgement(smtp_server):
    response = Client(enforce_csrf_checks=True).post("/fr/trust/contact/", FORM)
    assert response.status_code == 302 and response["Location"] == "/fr/trust/contact/sent/"

    request = Request.objects.get()
    year = timezone.localdate().year
    assert request.reference == f"DPO-{year}-0001"
    assert request.requester_email == "jean@example.net"
    assert request.regime == "both"  # a French resident and a Swiss provider: both laws
    # About a customer's shop: the provider tracks its forwarding commitment (GDPR Art. 28(3)(e)) and shows
    # the law's deadline as the controller's.
    assert request.controller_kind == "customer"
    assert request.due_on == request.received_on + dt.timedelta(days=5)
    assert request.deadline.law_due == both_due(request.received_on, calendars())

    assert deliver_due() == 1
    smtp_server.sink.wait_for(1)
    mail = smtp_server.received[0]
    assert mail.rcpt_tos == ["jean@example.net"]
    assert request.reference in mail.message["Subject"]
    assert request.reference in mail.message.get_content()
    assert mail.message["Content-Language"] == "fr"


@pytest.mark.parametrize(("answer", "stored"), [("provider", "provider"), ("customer", "customer"), ("", "unknown")])
def test_the_form_asks_whose_service_it_is_about(answer, stored):
    assert b'name="controller_kind" value="customer"' in Client().get("/en/trust/contact/").content
    assert Client().post("/en/trust/contact/", FORM | {"controller_kind": answer}).status_code == 302
    assert Request.objects.get().controller_kind == stored


def test_the_second_request_of_the_year_gets_the_next_reference(submit):
    first, second = submit(), submit()
    assert int(second.reference[-4:]) == int(first.reference[-4:]) + 1


def test_honeypot_pretends_success_and_keeps_nothing():
    audit_before = AuditEntry.objects.count()
    response = Client().post("/en/trust/contact/", FORM | {"website": "http://spam.example"})
    assert response.status_code == 302 and response["Location"] == "/en/trust/contact/sent/"
    assert not Request.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_rate_limit_per_ip_refuses_after_the_hourly_allowance(settings):
    settings.ART28_DPO_CONTACT_PER_IP_PER_HOUR = 2
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert client.post("/en/trust/contact/", FORM).status_code == 302
    assert client.post("/en/trust/contact/", FORM).status_code == 302
    refused = client.post("/en/trust/contact/", FORM)
    assert refused.status_code == 429
    assert b"Too many messages" in refused.content
    assert Request.objects.count() == 2
    assert Client(REMOTE_ADDR="203.0.113.8").post("/en/trust/contact/", FORM).status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("email", "not-an-address", b"Enter a valid e-mail address."),
        ("country", "XX", b"Choose your country of residence."),
        ("kind", "gossip", b"Choose what your message is about."),
        ("message", "   ", b"Write your message."),
        ("name", "x" * 201, b"At most 200 characters."),
        ("controller_kind", "nobody", b"Choose whose service your message is about."),
    ],
)
def test_bad_input_names_the_field_keeps_what_was_typed_and_files_nothing(field, value, text):
    response = Client().post("/en/trust/contact/", FORM | {field: value})
    assert response.status_code == 400
    assert text in response.content
    assert f'id="contact-{field}-error"'.encode() in response.content
    assert b"Jean Exemple" in response.content or field == "name"
    assert response["Cache-Control"] == "no-store"
    assert not Request.objects.exists()


def test_a_question_gets_the_provider_commitment_not_a_legal_deadline(settings, submit):
    settings.ART28_DPO_REPLY_DAYS = 10
    request = submit(kind="question", country="DE")
    assert request.regime == "service"
    assert request.due_on == request.received_on + dt.timedelta(days=10)


def test_the_audit_entry_names_the_request_but_not_the_requester_or_the_message(submit):
    request = submit()
    entry = AuditEntry.objects.get(action="dpo.request.submit")
    assert entry.object_repr == request.reference
    dumped = str(entry.after) + entry.object_repr
    for personal in ("Petra", "petra@example.net", "Welche Daten"):
        assert personal not in dumped

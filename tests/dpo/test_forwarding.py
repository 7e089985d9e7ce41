"""Forwarding a data subject's request to the controller (GDPR Art. 28(3)(e)): only that organisation sees
it (page and API; another's is 404), customer administrators answer, viewers read."""

from __future__ import annotations

import pytest

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.dpo.models import Request
from art28.notify.models import Delivery, Message
from art28.notify.worker import deliver_due
from tests.conftest import logged_in
from tests.dpo.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def forwarded(dpo_client, submit, org_a) -> Request:
    request = submit()
    response = dpo_client.post(f"/staff/dpo/{request.reference}/forward", {"organisation": org_a.ref})
    assert response.status_code == 302
    request.refresh_from_db()
    return request


def test_gdpr_art_28_3_e_forwarding_mails_the_controller_and_tells_the_requester_its_name(
    forwarded, org_a, smtp_server
):
    assert forwarded.status == "forwarded" and forwarded.forwarded_at is not None
    to_org = Message.objects.get(organisation=org_a, topic="dpo.request.forwarded")
    assert to_org.deliveries.filter(channel="portal").exists()
    deliver_due()
    smtp_server.sink.wait_for(3)
    to = {
        r.message["Subject"]: (r.rcpt_tos, r.message.get_body(("plain",)).get_content()) for r in smtp_server.received
    }
    controller = [text for rcpt, text in to.values() if rcpt == ["privacy@acme.example"]]
    assert len(controller) == 1
    assert "Welche Daten haben Sie über mich?" in controller[0] and forwarded.reference in controller[0]
    requester = [text for rcpt, text in to.values() if rcpt == ["petra@example.net"]]
    assert len(requester) == 2  # the acknowledgement, then the news that it went to the controller
    assert sum("Acme Sàrl" in text for text in requester) == 1
    assert AuditEntry.objects.get(action="dpo.request.forward").after["organisation"] == "ACME"


def test_only_the_controller_sees_the_forwarded_request(forwarded, client_a, client_b, customer_b):
    assert forwarded.reference in client_a.get("/portal/requests/").content.decode()
    assert "Welche Daten" in client_a.get(f"/portal/requests/{forwarded.public_id}/").content.decode()

    assert forwarded.reference not in client_b.get("/portal/requests/").content.decode()
    assert client_b.get(f"/portal/requests/{forwarded.public_id}/").status_code == 404
    assert client_b.post(f"/portal/requests/{forwarded.public_id}/answer", {"answer": "handled"}).status_code == 404
    api_b = token_client(customer_b)
    assert api_b.get(f"/api/v1/dpo/my/requests/{forwarded.reference}").status_code == 404
    assert api_b.get("/api/v1/dpo/my/requests").json() == []
    assert api_b.get("/api/v1/dpo/requests").status_code == 403


def test_a_request_not_forwarded_is_invisible_to_customers(client_a, submit):
    request = submit()
    assert client_a.get(f"/portal/requests/{request.public_id}/").status_code == 404


def test_the_customer_admin_answers_handled_with_a_note(forwarded, client_a, customer_a, dpo_client):
    response = client_a.post(
        f"/portal/requests/{forwarded.public_id}/answer", {"answer": "handled", "note": "Account deleted."}, follow=True
    )
    assert b"your answer was sent" in response.content
    forwarded.refresh_from_db()
    assert forwarded.customer_answer == "handled" and forwarded.answered_by == customer_a
    assert "Account deleted." in dpo_client.get(f"/staff/dpo/{forwarded.reference}/").content.decode()
    entry = AuditEntry.objects.get(action="dpo.request.customer_answer")
    assert entry.organisation_id == forwarded.organisation_id and "Account deleted." not in str(entry.after)
    again = client_a.post(f"/portal/requests/{forwarded.public_id}/answer", {"answer": "not_ours"}, follow=True)
    assert b"answered this request already" in again.content


def test_not_ours_sends_the_request_back_to_the_dpo(forwarded, customer_a):
    response = token_client(customer_a).post(
        f"/api/v1/dpo/my/requests/{forwarded.reference}/answer",
        {"answer": "not_ours", "note": "Not our shop."},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["answer"] == "not_ours"
    forwarded.refresh_from_db()
    assert forwarded.status == "open"


def test_viewers_read_but_do_not_answer(forwarded, make_user, org_a):
    viewer = logged_in(make_user("viewer@acme.example", Role.CUSTOMER_VIEWER, org_a))
    page = viewer.get(f"/portal/requests/{forwarded.public_id}/").content.decode()
    assert "Welche Daten" in page and 'name="answer"' not in page
    assert viewer.post(f"/portal/requests/{forwarded.public_id}/answer", {"answer": "handled"}).status_code == 403
    forwarded.refresh_from_db()
    assert forwarded.answered_at is None


def test_a_bad_answer_names_the_field(forwarded, client_a):
    response = client_a.post(f"/portal/requests/{forwarded.public_id}/answer", {"answer": "maybe"}, follow=True)
    assert b"answer: Choose one of" in response.content


def test_the_portal_nav_links_to_the_requests(client_a):
    assert 'href="/portal/requests/"' in client_a.get("/portal/").content.decode()


def test_forwarding_twice_is_refused(forwarded, dpo_client, org_b):
    response = dpo_client.post(f"/staff/dpo/{forwarded.reference}/forward", {"organisation": org_b.ref}, follow=True)
    assert b"was forwarded already" in response.content
    assert Delivery.objects.filter(message__organisation=org_b).count() == 0


def test_the_portal_list_costs_the_same_queries_for_many_requests(
    dpo_user, submit, org_a, client_a, django_assert_max_num_queries
):
    from art28.dpo.services import request_forward

    for _ in range(15):
        request_forward(actor=dpo_user, request=submit(), organisation=org_a)
    with django_assert_max_num_queries(12):
        page = client_a.get("/portal/requests/").content.decode()
    assert page.count("awaiting your answer") == 15


def test_forwarding_to_an_unknown_customer_names_the_field_and_changes_nothing(dpo_client, submit):
    request = submit()
    response = dpo_client.post(f"/staff/dpo/{request.reference}/forward", {"organisation": "NOPE"}, follow=True)
    assert "No customer has the reference “NOPE”." in response.content.decode()
    request.refresh_from_db()
    assert request.forwarded_at is None and request.status == "open"
    assert not Message.objects.filter(topic="dpo.request.forwarded").exists()


def test_after_not_ours_the_dpo_forwards_to_the_right_controller(forwarded, customer_a, dpo_client, org_b, client_a):
    token_client(customer_a).post(
        f"/api/v1/dpo/my/requests/{forwarded.reference}/answer", {"answer": "not_ours"}, content_type="application/json"
    )
    assert b"Forward to the controller" in dpo_client.get(f"/staff/dpo/{forwarded.reference}/").content
    dpo_client.post(f"/staff/dpo/{forwarded.reference}/forward", {"organisation": org_b.ref})
    forwarded.refresh_from_db()
    assert forwarded.organisation == org_b and forwarded.status == "forwarded" and forwarded.answered_at is None
    assert forwarded.answered_by is None
    assert client_a.get(f"/portal/requests/{forwarded.public_id}/").status_code == 404

"""The staff outbox shows a message's recipient and subject only to the roles that may read its source.

Operations may not read DPO requests (403 on the DPO desk; GDPR Art. 38(5), 39; nFADP Art. 10), so on
the outbox it sees that a DPO mail is failing, not to whom or about what (GDPR Art. 5(1)(f), 32(4)).
"""

from __future__ import annotations

import pytest

from art28.core.roles import Role
from art28.notify.models import Delivery
from art28.notify.worker import deliver_due
from tests.conftest import logged_in
from tests.dpo.conftest import submit  # noqa: F401 (fixture)
from tests.notify.conftest import smtp_down  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

REQUESTER = "petra.requester@example.net"


@pytest.fixture
def failing_dpo_mail(smtp_down, submit) -> Delivery:  # noqa: F811
    request = submit(email=REQUESTER)
    deliver_due()
    delivery = Delivery.objects.get(message__to_address=REQUESTER)
    assert delivery.status == "failed" and request.reference in delivery.message.subject
    return delivery


def client_of(make_user, role: Role):
    return logged_in(make_user(f"{role}@provider.example", role))


def test_operations_sees_a_failing_dpo_mail_but_not_its_requester_or_subject(make_user, failing_dpo_mail):
    client = client_of(make_user, Role.OPERATIONS)
    assert client.get("/staff/dpo/").status_code == 403  # the premise: the desk is closed to operations
    page = client.get("/staff/outbox/")
    assert page.status_code == 200
    assert REQUESTER not in page.text
    assert "[DPO-" not in page.text
    assert failing_dpo_mail.message.subject not in page.text
    assert "restricted: DPO desk" in page.text
    assert "1 delivery is failing and will be retried." in page.text  # the status stays visible


def test_the_retry_message_does_not_name_the_requester_to_operations(make_user, failing_dpo_mail):
    client = client_of(make_user, Role.OPERATIONS)
    page = client.post(f"/staff/outbox/{failing_dpo_mail.public_id}/retry", follow=True)
    assert page.status_code == 200
    assert "queued for another attempt now" in page.text
    assert REQUESTER not in page.text and "[DPO-" not in page.text


@pytest.mark.parametrize("role", [Role.DPO, Role.ADMIN, Role.SECURITY, Role.AUDITOR])
def test_the_dpo_desks_readers_see_the_requester_and_subject(make_user, failing_dpo_mail, role):
    page = client_of(make_user, role).get("/staff/outbox/")
    assert page.status_code == 200
    assert REQUESTER in page.text
    assert "[DPO-" in page.text
    assert "restricted:" not in page.text


def test_the_dpo_retry_message_names_the_requester(make_user, failing_dpo_mail):
    page = client_of(make_user, Role.DPO).post(f"/staff/outbox/{failing_dpo_mail.public_id}/retry", follow=True)
    assert REQUESTER in page.text


def test_who_reads_a_message_is_who_opens_its_sources_page():
    """One source of truth: the outbox asks the role table, it keeps no list of its own."""
    from art28.core.access import URL_ROLES, source_readers

    assert source_readers("dpo.request") == URL_ROLES["dpo:request"]
    assert Role.OPERATIONS not in source_readers("dpo.request")
    assert source_readers("breaches.notice") == URL_ROLES["breaches:notice"]


def test_a_source_the_table_does_not_know_is_shown_to_administrators_only():
    from art28.core.access import source_readers

    assert source_readers("someapp.newthing") == {Role.ADMIN}
    assert source_readers("") == {Role.ADMIN}


def test_every_role_in_the_table_exists():
    from art28.core.access import ANONYMOUS, OPERATION_ROLES, URL_ROLES

    known = {*Role.values, ANONYMOUS}
    assert all(roles <= known for roles in [*URL_ROLES.values(), *OPERATION_ROLES.values()])


def test_the_outbox_csv_keeps_the_restriction_for_operations(make_user, failing_dpo_mail):
    response = client_of(make_user, Role.OPERATIONS).get("/staff/outbox/?format=csv&sort=attempts")
    text = b"".join(response.streaming_content).decode()
    assert "restricted: DPO desk" in text
    assert REQUESTER not in text and "[DPO-" not in text
    reader = client_of(make_user, Role.DPO).get("/staff/outbox/?format=csv")
    assert REQUESTER in b"".join(reader.streaming_content).decode()

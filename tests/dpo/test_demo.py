"""The demo DPO desk (S11): the profile and six requests, one overdue, one forwarded to the demo
customer's organisation and awaiting its answer."""

from __future__ import annotations

import pytest

from art28.core.audit import SystemActor, verify_chain
from art28.core.dpo import dpo_profile
from art28.core.roles import Role
from art28.demo.dpo import DEMO_CUSTOMER, load_demo_dpo, load_demo_dpo_profile
from art28.dpo.models import Request
from art28.dpo.selectors import deadline_watch
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_the_demo_desk_has_an_overdue_request_and_one_awaiting_the_demo_customer(make_user, org_a):
    make_user("dpo@example-hosting.ch", Role.DPO)
    customer = make_user(DEMO_CUSTOMER, Role.CUSTOMER_ADMIN, org_a)
    load_demo_dpo_profile(SystemActor("load-demo"))
    assert "6 requests" in load_demo_dpo(SystemActor("load-demo"))

    assert dpo_profile().name == "Daniel DPO"
    assert Request.objects.count() == 6
    overdue, _ = deadline_watch()
    assert len(overdue) == 1
    awaiting = Request.objects.get(organisation=org_a, forwarded_at__isnull=False)
    assert awaiting.answered_at is None
    assert awaiting.reference in logged_in(customer).get("/portal/requests/").content.decode()
    assert Request.objects.filter(status="closed").count() == 1
    assert Request.objects.filter(extended_due_on__isnull=False).count() == 1
    assert verify_chain().ok

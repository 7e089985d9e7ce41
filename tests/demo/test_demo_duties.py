"""The demo's ends of contract (issue 17): one customer's deletion certified, another's under way after the
return of its data; neither is a customer a demo login belongs to."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from art28.core.models import User
from art28.core.signing import provider_public_key
from art28.demo.logins import CUSTOMER_EMAILS
from art28.duties.certificate import certificate_verify
from art28.duties.models import ControllerAudit, EndOfContract, Instruction
from art28.inventory.models import Placement
from art28.notify.models import Message

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_deletion_certified_and_one_under_way(signing_key):
    out = io.StringIO()
    call_command("load_demo", "--customers", "30", "--no-logins", stdout=out)
    done = EndOfContract.objects.get(status="complete")
    under_way = EndOfContract.objects.get(status="deleting")
    assert certificate_verify(done.certificate, provider_public_key()).ok
    assert not Placement.objects.filter(customer=done.customer).exists()
    assert under_way.returned_on is not None and under_way.choice == "return"
    states = {item.state for item in under_way.items.all()}
    assert {"deleted", "pending"} <= states  # part of it deleted, part still to do
    logins = set(User.objects.filter(email__in=CUSTOMER_EMAILS).values_list("organisation_id", flat=True))
    assert not {done.customer_id, under_way.customer_id} & logins
    assert f"end of contract {done.reference}" in out.getvalue()
    # The demo customer's audit request waits for its answer to an offer of evidence; one of its
    # instructions is held as infringing the law, its notice in the customer's inbox.
    customer = User.objects.get(email=CUSTOMER_EMAILS[0]).organisation
    assert ControllerAudit.objects.get(customer=customer).status == "offered"
    held = Instruction.objects.get(customer=customer, status="held")
    assert Message.objects.filter(organisation=customer, topic="duties.instruction-flag", source_id=held.pk).exists()

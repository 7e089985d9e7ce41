"""Every write on the register, contracts and changes has its audit entry, in the chain (DESIGN.md; the
evidence of GDPR Art. 28(2) notices, objections and consents)."""

from __future__ import annotations

import pytest

from art28.core.audit import verify_chain
from art28.core.models import AuditEntry
from art28.subprocessors.changes import (
    change_announce,
    change_discard,
    change_draft,
    change_update,
    change_withdraw,
    changes_apply_due,
)
from art28.subprocessors.responses import change_consent, change_object, change_resolve
from art28.subprocessors.services import contract_set, subprocessor_delete, subprocessor_update
from tests.conftest import TEST_ACTOR
from tests.subprocessors.fixtures import MAIL, WEB, new_subprocessor, past_effective_date

pytestmark = pytest.mark.django_db


def test_every_write_writes_one_entry(sp_world, acme_admin, beta_admin):
    start = AuditEntry.objects.count()
    sp = new_subprocessor()
    subprocessor_update(actor=TEST_ACTOR, subprocessor=sp, purpose="E-mail delivery")
    contract_set(actor=TEST_ACTOR, organisation=sp_world.beta, authorisation="specific", notice_days=40)
    draft = change_draft(actor=TEST_ACTOR, kind="addition", subprocessor=sp, summary="x", services=[WEB])
    change_update(actor=TEST_ACTOR, change=draft, summary="Better delivery.", services=[WEB, MAIL])
    change = change_announce(actor=TEST_ACTOR, change=draft)
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="No.")
    change_consent(actor=beta_admin, change=change, organisation=sp_world.beta, consent=True)
    change_resolve(actor=TEST_ACTOR, change=change, organisation=sp_world.acme, resolution="termination", note="x")
    past_effective_date(change, days=0)
    changes_apply_due()
    other = new_subprocessor("other", countries="CH")
    draft2 = change_draft(actor=TEST_ACTOR, kind="addition", subprocessor=other, summary="y", services=[MAIL])
    change_discard(actor=TEST_ACTOR, change=draft2)
    third = change_announce(
        actor=TEST_ACTOR,
        change=change_draft(actor=TEST_ACTOR, kind="addition", subprocessor=other, summary="z", services=[MAIL]),
    )
    change_withdraw(actor=TEST_ACTOR, change=third, reason="No longer needed.")
    typo = new_subprocessor("typo", countries="CH", agreement=False)
    subprocessor_delete(actor=TEST_ACTOR, subprocessor=typo)

    actions = list(AuditEntry.objects.order_by("seq")[start:].values_list("action", flat=True))
    assert actions == [
        "subprocessor.create",
        "subprocessor.flowdown.record",
        "subprocessor.update",
        "subprocessor.contract.set",
        "subprocessor.change.draft",
        "subprocessor.change.update",
        "subprocessor.change.announce",
        "subprocessor.change.object",
        "subprocessor.change.consent",
        "subprocessor.change.resolve",
        "subprocessor.change.effective",
        "subprocessor.create",
        "subprocessor.flowdown.record",
        "subprocessor.change.draft",
        "subprocessor.change.discard",
        "subprocessor.change.draft",
        "subprocessor.change.announce",
        "subprocessor.change.withdraw",
        "subprocessor.create",
        "subprocessor.delete",
    ]
    customer_entries = AuditEntry.objects.filter(
        action__in=["subprocessor.change.object", "subprocessor.change.consent"]
    )
    assert {e.organisation_id for e in customer_entries} == {sp_world.acme.pk, sp_world.beta.pk}
    assert verify_chain().ok

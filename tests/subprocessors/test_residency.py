"""Residency reason ``subprocessor-outside`` (S1 and S4): a sub-processor in use processing outside a
customer's allowed countries breaks the "never leaves" promise for the customers of its services
(PRODUCT.md, "Transfers"), through the chain (GDPR Art. 28(4)), unless a change does not apply to that
customer (objection, missing consent: Art. 28(2), DSV Art. 7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from art28.residency.engine import SUBPROCESSOR_OUTSIDE, SUBPROCESSOR_UNAUTHORISED, run_audit
from art28.subprocessors.changes import change_announce, change_draft, changes_apply_due
from art28.subprocessors.responses import change_consent, change_object, change_resolve
from art28.subprocessors.selectors import subprocessors_for_organisation, unauthorised_subprocessors_for
from art28.subprocessors.services import contract_set, subprocessor_update
from tests.conftest import TEST_ACTOR
from tests.subprocessors.fixtures import (
    MAIL,
    SINCE,
    WEB,
    announced_addition,
    new_subprocessor,
    past_effective_date,
    without_authorisation,
)

pytestmark = pytest.mark.django_db


def findings(**kwargs) -> list[tuple[str, str, str | None, str | None, str | None]]:
    return [
        (v.customer, v.asset, v.site, v.country, v.destination)
        for v in run_audit(**kwargs)
        if v.reason == SUBPROCESSOR_OUTSIDE
    ]


def make_effective(change):
    past_effective_date(change, days=0)
    changes_apply_due()


def test_a_sub_processor_in_switzerland_is_no_finding(sp_world):
    assert findings() == []


def test_a_sub_processor_in_use_abroad_is_a_finding_for_each_customer_placement_of_its_services(sp_world):
    """One entry per (customer, placement asset, destination); the site is the asset's location."""
    new_subprocessor("postbote", services=[MAIL], in_use_from=SINCE)
    # GAMMA allows the US: no finding for it. BETA's mailstore is at GVA1.
    assert findings() == [("BETA", "mail-1", "GVA1", "US", "postbote")]


def test_each_forbidden_country_gives_its_own_entry(sp_world):
    new_subprocessor("twoplaces", countries="DE;IN;US", services=[MAIL], in_use_from=SINCE)
    assert findings() == [
        ("BETA", "mail-1", "GVA1", "DE", "twoplaces"),
        ("BETA", "mail-1", "GVA1", "IN", "twoplaces"),
        ("BETA", "mail-1", "GVA1", "US", "twoplaces"),
        ("GAMMA", "mail-1", "GVA1", "DE", "twoplaces"),
        ("GAMMA", "mail-1", "GVA1", "IN", "twoplaces"),
    ]


def test_a_chained_sub_processor_counts_for_its_top_level_engagers_services(sp_world):
    """Art. 28(4): the helpdesk (CH, Web hosting) engages a US mailer: ACME's volume (below the Web VM)
    and BETA's VM are processed in the US."""
    new_subprocessor("mailer", engaged_by="helpdesk", in_use_from=SINCE)
    new_subprocessor("mailer-backend", countries="IN", engaged_by="mailer", in_use_from=SINCE)
    assert findings() == [
        ("ACME", "web-vol-1", "GVA1", "US", "mailer"),
        ("ACME", "web-vol-1", "GVA1", "IN", "mailer-backend"),
        ("BETA", "web-vm-1", "GVA1", "US", "mailer"),
        ("BETA", "web-vm-1", "GVA1", "IN", "mailer-backend"),
    ]


def test_only_sub_processors_in_use_today_count_and_their_engagers_too(sp_world):
    future = timezone.localdate() + dt.timedelta(days=10)
    mailer = new_subprocessor("mailer", engaged_by="helpdesk", in_use_from=future)
    assert findings() == []
    subprocessor_update(actor=TEST_ACTOR, subprocessor=mailer, in_use_from=SINCE)
    assert len(findings()) == 2
    subprocessor_update(actor=TEST_ACTOR, subprocessor=sp_world.helpdesk, in_use_until=timezone.localdate())
    assert findings() == []  # its engager is no longer in use: neither is it


def test_an_announced_addition_counts_only_once_effective(sp_world):
    change = announced_addition([MAIL])
    assert findings() == []
    make_effective(change)
    assert findings() == [("BETA", "mail-1", "GVA1", "US", "mailjet-us")]


def test_an_objection_keeps_the_new_sub_processor_off_that_customers_data(sp_world, beta_admin):
    change = announced_addition([MAIL])
    change_object(actor=beta_admin, change=change, organisation=sp_world.beta, reason="No US.")
    make_effective(change)
    assert findings() == []
    change_resolve(
        actor=TEST_ACTOR, change=change, organisation=sp_world.beta, resolution="objection_withdrawn", note="ok"
    )
    assert findings() == [("BETA", "mail-1", "GVA1", "US", "mailjet-us")]


def test_specific_authorisation_the_reason_appears_only_with_consent(sp_world, beta_admin):
    """DSV Art. 7: without consent the change does not apply to BETA, so BETA's data is not in the US."""
    contract_set(actor=TEST_ACTOR, organisation=sp_world.beta, authorisation="specific", notice_days=30)
    change = announced_addition([MAIL])
    make_effective(change)
    assert findings() == []
    change_consent(actor=beta_admin, change=change, organisation=sp_world.beta, consent=True)
    assert findings() == [("BETA", "mail-1", "GVA1", "US", "mailjet-us")]


def test_a_blocked_engager_blocks_its_chain_for_that_customer(sp_world, beta_admin):
    change = announced_addition([MAIL], countries="CH", slug="swissmail")
    change_object(actor=beta_admin, change=change, organisation=sp_world.beta, reason="No.")
    make_effective(change)
    new_subprocessor("relay", engaged_by="swissmail", in_use_from=SINCE)
    # GAMMA allows the US; BETA is not on swissmail, so not on its relay either.
    assert findings() == []


def test_the_audit_for_one_customer_is_the_full_audit_filtered(sp_world):
    new_subprocessor("mailer", engaged_by="helpdesk", in_use_from=SINCE)
    new_subprocessor("twoplaces", countries="DE;US", services=[MAIL], in_use_from=SINCE)
    for org in sp_world.organisations:
        assert findings(organisation_id=org.pk) == [f for f in findings() if f[0] == org.ref]


def test_the_portal_list_and_the_audit_agree(sp_world):
    new_subprocessor("mailer", engaged_by="helpdesk", in_use_from=SINCE)
    assert {sp.slug for sp in subprocessors_for_organisation(sp_world.acme)} == {"helpdesk", "mailer"}
    assert {f[4] for f in findings() if f[0] == "ACME"} == {"mailer"}
    assert [sp.slug for sp in subprocessors_for_organisation(sp_world.delta)] == []


def test_art28_2_a_replacement_moves_the_customers_it_applies_to_off_the_old_sub_processor(sp_world, acme_admin):
    """GDPR Art. 28(2), DSV Art. 7: an effective replacement applies to BETA (general authorisation, no
    objection), so BETA's data leaves the old (US) one for the new (CH) one; ACME objected, so it stays on
    the old one (kept on the old arrangement until resolved) and the old one still counts for ACME only."""
    new_subprocessor("usdesk", services=[WEB], in_use_from=SINCE)
    swiss = new_subprocessor("swissdesk", countries="CH", legal_name="Swiss Desk AG")
    assert {f[0] for f in findings() if f[4] == "usdesk"} == {"ACME", "BETA"}
    draft = change_draft(actor=TEST_ACTOR, kind="replacement", subprocessor=swiss, replaces="usdesk", summary="CH.")
    change = change_announce(actor=TEST_ACTOR, change=draft)
    change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason="We keep the old desk.")
    make_effective(change)

    assert findings() == [("ACME", "web-vol-1", "GVA1", "US", "usdesk")]
    assert {sp.slug for sp in subprocessors_for_organisation(sp_world.acme)} == {"helpdesk", "usdesk"}
    assert {sp.slug for sp in subprocessors_for_organisation(sp_world.beta)} == {"helpdesk", "swissdesk"}

    # The same rule keeps the moved customer off the old one for ``subprocessor-unauthorised``: BETA's
    # recorded authorisation is gone after the change applied; its data is with the new one, not the old.
    without_authorisation(sp_world.beta)
    unauthorised = {(v.customer, v.destination) for v in run_audit() if v.reason == SUBPROCESSOR_UNAUTHORISED}
    assert unauthorised == {("BETA", "helpdesk"), ("BETA", "swissdesk")}
    assert unauthorised_subprocessors_for(sp_world.beta) == ["helpdesk", "swissdesk"]


def test_art28_2_an_announced_replacement_moves_no_one_before_it_takes_effect(sp_world):
    """GDPR Art. 28(2), DSV Art. 7: until a replacement takes effect, every customer's data is still with
    the old sub-processor, so the old one's findings stay for all of them (an engine that counted an
    announced change like an effective one would drop BETA's and ACME's US finding too early)."""
    new_subprocessor("usdesk", services=[WEB], in_use_from=SINCE)
    swiss = new_subprocessor("swissdesk", countries="CH", legal_name="Swiss Desk AG")
    draft = change_draft(actor=TEST_ACTOR, kind="replacement", subprocessor=swiss, replaces="usdesk", summary="CH.")
    change_announce(actor=TEST_ACTOR, change=draft)

    assert {f[0] for f in findings() if f[4] == "usdesk"} == {"ACME", "BETA"}
    assert {sp.slug for sp in subprocessors_for_organisation(sp_world.beta)} == {"helpdesk", "usdesk"}

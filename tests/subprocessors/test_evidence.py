"""The sub-processor changes' evidence collector (issue 15, S2): each addition or replacement took effect
after every customer concerned had at least its contract's notice, with the chance to object (GDPR Art.
28(2), nFADP Art. 9(3), DSV Art. 7)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from art28.core.evidence import Collected, collector, collectors
from art28.subprocessors.changes import change_announce, change_draft, change_withdraw, changes_apply_due
from art28.subprocessors.models import Change
from art28.subprocessors.responses import change_consent, change_object, change_resolve
from art28.subprocessors.services import contract_set
from tests.conftest import TEST_ACTOR, run_collector
from tests.subprocessors.fixtures import MAIL, WEB, new_subprocessor

pytestmark = pytest.mark.django_db

ONE = dt.timedelta(microseconds=1)
ANNOUNCED = timezone.make_aware(dt.datetime(2026, 9, 1, 10))
EFFECTIVE_ON = dt.date(2026, 10, 1)  # 30 days' notice, every customer's contract
TOOK_EFFECT = timezone.make_aware(dt.datetime(2026, 10, 1))  # 00:00 in Zurich
OBJECTION = "Our DPO Jane Roe (jane.roe@acme.example) refuses US transfers."


def collect(since: dt.datetime, until: dt.datetime) -> list[Collected]:
    return run_collector("subprocessors.change", since, until)


def announce(clock, *, kind: str = "addition", services=(WEB, MAIL), slug: str = "mailjet-us", **fields) -> Change:
    with clock(ANNOUNCED):
        sp = new_subprocessor(slug, contact_name="Max Muster", contact_email="max.muster@deliverability.example")
        change = change_draft(
            actor=TEST_ACTOR, kind=kind, subprocessor=sp, summary="Better e-mail delivery.", services=list(services)
        )
        return change_announce(actor=TEST_ACTOR, change=change, **fields)


def took_effect(clock, day: dt.date = EFFECTIVE_ON) -> None:
    with clock(timezone.make_aware(dt.datetime.combine(day, dt.time(0, 1)))):
        changes_apply_due(today=day)


def test_the_subprocessor_collector_is_registered_once_the_apps_are_ready():
    assert "subprocessors.change" in {c.key for c in collectors()}
    registered = collector("subprocessors.change")
    assert registered is not None
    assert registered.valid_days == 365 and registered.controls == ("tom-b-subprocessor-oversight",)


def test_an_addition_that_took_effect_shows_the_notice_given_and_the_objections_as_they_stood_then(
    sp_world, clock, acme_admin
):
    change = announce(clock)
    with clock(ANNOUNCED + dt.timedelta(days=9)):
        change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason=OBJECTION)
    took_effect(clock)
    change.refresh_from_db()
    assert change.status == "effective"

    [item] = collect(ANNOUNCED, TOOK_EFFECT + dt.timedelta(days=30))
    assert item.key == f"change-{change.pk}" and item.effective_at == TOOK_EFFECT and item.passed is True
    assert item.organisation_id is None  # it concerns every customer of its services
    assert item.data == {
        "change": change.pk,
        "kind": "addition",
        "subprocessor": "mailjet-us",
        "replaces": None,
        "announced_at": "2026-09-01T08:00:00.000000+00:00",
        "announced_on": "2026-09-01",
        "effective_on": "2026-10-01",
        "notice_given_days": 30,
        "notice_required_min_days": 30,
        "notice_required_max_days": 30,
        "customers_told": 3,  # ACME and BETA (Web hosting), BETA and GAMMA (Mail)
        "customers_by_authorisation": {"general": 3, "specific": 0, "none": 0},
        "customers_short_notice": 0,
        "objections_recorded": 1,
        "objections_open": 1,
        "customers_not_applying": 1,  # ACME's objection keeps the new one off its data (Art. 28(2))
    }
    assert item.title == "Sub-processor addition of mailjet-us effective 2026-10-01: 30 days' notice"

    # Resolved a week later: the item of 1 October still says what was true on 1 October.
    with clock(TOOK_EFFECT + dt.timedelta(days=7)):
        change_resolve(
            actor=TEST_ACTOR, change=change, organisation=sp_world.acme, resolution="old_arrangement", note="Agreed."
        )
    assert collect(ANNOUNCED, TOOK_EFFECT + dt.timedelta(days=30)) == [item]


@pytest.mark.parametrize(("given", "passed"), [(45, True), (44, False)])
def test_every_customer_must_get_at_least_its_contracts_notice_to_the_day(sp_world, clock, given, passed):
    """GDPR Art. 28(2): GAMMA's contract asks for 45 days; 45 days' notice honours it, 44 does not (the
    effective date moved by hand in the record, which the announcing service itself would refuse)."""
    contract_set(actor=TEST_ACTOR, organisation=sp_world.gamma, authorisation="general", notice_days=45)
    change = announce(clock)
    assert change.effective_on == dt.date(2026, 10, 16)
    Change.objects.filter(pk=change.pk).update(effective_on=dt.date(2026, 9, 1) + dt.timedelta(days=given))
    [item] = collect(ANNOUNCED, ANNOUNCED + dt.timedelta(days=60))
    assert item.passed is passed
    assert (item.data["notice_required_min_days"], item.data["notice_required_max_days"]) == (30, 45)
    assert item.data["notice_given_days"] == given
    assert item.data["customers_short_notice"] == (0 if passed else 1)


def test_a_change_counts_in_the_window_holding_its_effective_date_and_in_no_other(sp_world, clock):
    change = announce(clock)
    took_effect(clock)
    assert [i.key for i in collect(TOOK_EFFECT, TOOK_EFFECT + ONE)] == [f"change-{change.pk}"]
    assert collect(TOOK_EFFECT - ONE, TOOK_EFFECT) == []
    assert collect(TOOK_EFFECT + ONE, TOOK_EFFECT + dt.timedelta(days=365)) == []
    window = (ANNOUNCED, TOOK_EFFECT + dt.timedelta(days=1))
    assert collect(*window) == collect(*window)


def test_a_change_whose_day_came_before_the_daily_job_ran_took_effect_on_its_day(sp_world, clock):
    change = announce(clock)
    assert Change.objects.get(pk=change.pk).status == "announced"
    [item] = collect(ANNOUNCED, TOOK_EFFECT + ONE)
    assert item.key == f"change-{change.pk}" and item.effective_at == TOOK_EFFECT
    took_effect(clock)
    assert collect(ANNOUNCED, TOOK_EFFECT + ONE) == [item]


def test_withdrawn_changes_removals_and_changes_still_to_come_give_no_item(sp_world, clock):
    withdrawn = announce(clock, slug="withdrawn-one")
    with clock(ANNOUNCED + dt.timedelta(days=3)):
        change_withdraw(actor=TEST_ACTOR, change=withdrawn, reason="Not needed after all.")
    with clock(ANNOUNCED):
        removal = change_draft(actor=TEST_ACTOR, kind="removal", subprocessor=sp_world.helpdesk, summary="Retired.")
        change_announce(actor=TEST_ACTOR, change=removal)
    assert collect(ANNOUNCED, TOOK_EFFECT + dt.timedelta(days=30)) == []

    now = timezone.now()
    future = announce(clock, slug="future-one", effective_on=timezone.localdate() + dt.timedelta(days=10))
    assert future.effective_on > timezone.localdate()
    assert collect(now - dt.timedelta(days=1), now + dt.timedelta(days=60)) == []


def test_specific_authorisations_count_consent_given_or_refused_before_the_change_took_effect(
    sp_world, clock, make_user
):
    """DSV Art. 7 / GDPR Art. 28(2): under a specific authorisation the change applies only with consent."""
    from art28.core.roles import Role

    contract_set(actor=TEST_ACTOR, organisation=sp_world.beta, authorisation="specific", notice_days=30)
    contract_set(actor=TEST_ACTOR, organisation=sp_world.gamma, authorisation="specific", notice_days=30)
    beta_admin = make_user("bob@beta.example", Role.CUSTOMER_ADMIN, sp_world.beta)
    gamma_admin = make_user("gina@gamma.example", Role.CUSTOMER_ADMIN, sp_world.gamma)
    change = announce(clock)
    with clock(ANNOUNCED + dt.timedelta(days=2)):
        change_consent(actor=beta_admin, change=change, organisation=sp_world.beta, consent=False)
    # GAMMA consents only after the change took effect: on 1 October the change did not apply to it.
    with clock(TOOK_EFFECT + dt.timedelta(days=2)):
        change_consent(actor=gamma_admin, change=change, organisation=sp_world.gamma, consent=True)
    [item] = collect(ANNOUNCED, TOOK_EFFECT + dt.timedelta(days=30))
    assert item.data["customers_by_authorisation"] == {"general": 1, "specific": 2, "none": 0}
    assert (item.data["objections_recorded"], item.data["objections_open"]) == (1, 1)  # BETA's refusal
    assert item.data["customers_not_applying"] == 2  # BETA refused; GAMMA had not consented yet


def test_the_items_carry_no_personal_data(sp_world, clock, acme_admin):
    change = announce(clock)
    with clock(ANNOUNCED + dt.timedelta(days=1)):
        change_object(actor=acme_admin, change=change, organisation=sp_world.acme, reason=OBJECTION)
    [item] = collect(ANNOUNCED, TOOK_EFFECT + ONE)
    text = json.dumps(item.data, ensure_ascii=False) + item.title
    personal = ["Jane Roe", "jane.roe@acme.example", "Max Muster", "max.muster@deliverability.example",
                acme_admin.email, "Acme Sàrl", "Beta AG", "privacy@acme.example"]  # fmt: skip
    assert [p for p in personal if p in text] == []


def test_the_collector_costs_two_queries_whatever_the_number_of_changes_and_customers(
    sp_world, clock, make_org, django_assert_max_num_queries
):
    announce(clock, slug="first-one")
    window = (ANNOUNCED, TOOK_EFFECT + ONE)
    with CaptureQueriesContext(connection) as few:
        assert len(collect(*window)) == 1
    inventory = sp_world.inventory
    for n in range(20):  # twenty more customers on Web hosting, then five more changes
        customer = make_org(f"EXTRA{n}")
        contract_set(actor=TEST_ACTOR, organisation=customer, authorisation="general", notice_days=30)
        inventory.place(customer, "web-vol-1")
    for n in range(5):
        announce(clock, slug=f"more-{n}")
    with django_assert_max_num_queries(2), CaptureQueriesContext(connection) as many:
        items = collect(*window)
    assert len(items) == 6 and items[-1].data["customers_told"] == 23
    assert len(many) == len(few) == 2

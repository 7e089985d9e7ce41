"""No recorded authorisation means none (GDPR Art. 28(2), nFADP Art. 9(3), DSV Art. 7: a PRIOR WRITTEN
specific or general authorisation). The residency audit's ``subprocessor-unauthorised`` (SQL) and the
plain rule (``subprocessors.rules.unauthorised_subprocessors`` through ``unauthorised_subprocessors_for``)
find one entry per (customer without authorisation, sub-processor on its data, chain included: Art.
28(4)); announcing a change informs such a customer but the change never applies to it.

Each test here failed on the code before: a customer without a Contract was general, 30 days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from art28.core.models import AuditEntry, Organisation
from art28.notify.models import Message
from art28.residency.engine import SUBPROCESSOR_UNAUTHORISED, run_audit
from art28.subprocessors.changes import change_announce, change_draft, changes_apply_due
from art28.subprocessors.models import ChangeRecipient
from art28.subprocessors.responses import change_object, change_resolve
from art28.subprocessors.rules import PROVIDER_MINIMUM_NOTICE_DAYS, recipient_applies, recipient_state
from art28.subprocessors.selectors import (
    contract_terms,
    subprocessors_for_organisation,
    unauthorised_customers_of,
    unauthorised_subprocessors_for,
)
from art28.subprocessors.services import contract_set
from tests.conftest import TEST_ACTOR
from tests.subprocessors.fixtures import (
    BACKUP,
    MAIL,
    SINCE,
    WEB,
    announced_addition,
    new_subprocessor,
    past_effective_date,
    without_authorisation,
)

pytestmark = pytest.mark.django_db


def unauthorised_sql(**kwargs) -> set[tuple[str, str]]:
    return {(v.customer, v.destination) for v in run_audit(**kwargs) if v.reason == SUBPROCESSOR_UNAUTHORISED}


def unauthorised_python(organisations) -> set[tuple[str, str]]:
    return {(org.ref, slug) for org in organisations for slug in unauthorised_subprocessors_for(org)}


def make_effective(change):
    past_effective_date(change, days=0)
    changes_apply_due()


def test_art28_2_a_customer_without_a_recorded_authorisation_is_not_authorised(sp_world):
    """No Contract → ``none``, no notice period: not general authorisation with 30 days."""
    without_authorisation(sp_world.acme)
    terms = contract_terms(sp_world.acme)
    assert not terms.authorised and terms.authorisation == "none" and terms.notice_days is None
    assert contract_terms(sp_world.beta).authorised


def test_art28_2_the_finding_is_for_exactly_the_customer_without_authorisation(sp_world):
    """ACME and BETA both use Web hosting, whose helpdesk works on their data; only ACME has no
    recorded authorisation: one finding, ACME's, and none for BETA."""
    without_authorisation(sp_world.acme)
    findings = [v for v in run_audit() if v.reason == SUBPROCESSOR_UNAUTHORISED]
    assert [(v.customer, v.asset, v.site, v.country, v.destination) for v in findings] == [
        ("ACME", None, None, None, "helpdesk")
    ]
    assert unauthorised_subprocessors_for(sp_world.acme) == ["helpdesk"]
    assert unauthorised_subprocessors_for(sp_world.beta) == []


def test_art28_4_the_chain_gives_one_finding_per_sub_processor_whatever_its_country(sp_world):
    """The helpdesk's own sub-processors work for Web hosting too; each is a finding, in Switzerland too."""
    without_authorisation(sp_world.acme)
    new_subprocessor("mailer", countries="CH", engaged_by="helpdesk", in_use_from=SINCE)
    new_subprocessor("mailer-backend", countries="US", engaged_by="mailer", in_use_from=SINCE)
    assert unauthorised_sql() == {("ACME", "helpdesk"), ("ACME", "mailer"), ("ACME", "mailer-backend")}


def test_a_customer_without_authorisation_whose_data_no_sub_processor_touches_is_no_finding(sp_world):
    """DELTA's data is on a host of no service: nothing works on it, nothing to find."""
    without_authorisation(sp_world.delta)
    assert unauthorised_sql() == set() and unauthorised_subprocessors_for(sp_world.delta) == []


def test_recording_an_authorisation_ends_the_finding(sp_world):
    without_authorisation(sp_world.acme)
    assert unauthorised_sql() == {("ACME", "helpdesk")}
    contract_set(actor=TEST_ACTOR, organisation=sp_world.acme, authorisation="general", notice_days=30)
    assert unauthorised_sql() == set()


def test_art28_2_the_sql_rule_and_the_python_rule_agree(sp_world, beta_admin):
    """A shared fixture with every case: customers with and without authorisation, a chain, a sub-processor
    not yet in use, one retired, an addition that does not apply (objection) and one announced to a
    customer without authorisation (never applies); the two rules give the same pairs, for the whole
    audit and for each customer alone."""
    for org in (sp_world.acme, sp_world.gamma, sp_world.delta):
        without_authorisation(org)
    new_subprocessor("mailer", countries="CH", engaged_by="helpdesk", in_use_from=SINCE)
    new_subprocessor("later", countries="CH", services=[MAIL], in_use_from=timezone.localdate() + dt.timedelta(days=9))
    new_subprocessor("gone", countries="CH", services=[MAIL], in_use_from=SINCE, in_use_until=SINCE.replace(year=2025))
    new_subprocessor("vault", countries="DE", services=[BACKUP], in_use_from=SINCE)
    objected = announced_addition([WEB], slug="webcache", countries="CH")  # ACME (none), BETA objects
    change_object(actor=beta_admin, change=objected, organisation=sp_world.beta, reason="No.")
    mail = announced_addition([MAIL], slug="mailrelay", countries="CH")  # BETA applies, GAMMA (none) never
    make_effective(objected)
    make_effective(mail)

    # ACME: Web hosting's helpdesk and its mailer (webcache never applies to it); GAMMA: mailrelay never
    # applies, "later" is not in use yet, "gone" no longer; DELTA's host is of no service; BETA authorised.
    expected = {("ACME", "helpdesk"), ("ACME", "mailer")}
    assert unauthorised_sql() == expected
    assert unauthorised_python(sp_world.organisations) == expected
    for org in sp_world.organisations:
        assert unauthorised_sql(organisation_id=org.pk) == unauthorised_python([org])
    # Neither rule lets the changes reach those without authorisation; BETA has the new ones.
    assert {sp.slug for sp in subprocessors_for_organisation(sp_world.beta)} >= {"mailrelay"}
    assert "webcache" not in {sp.slug for sp in subprocessors_for_organisation(sp_world.beta)}


def test_art28_2_announcing_informs_a_customer_without_authorisation_but_never_applies_to_it(sp_world):
    """GAMMA (no authorisation) uses Mail: it is told, its row says ``none`` with no notice period, the
    change never applies to it (even with no objection, after the effective date), and the audit keeps
    the new sub-processor off its data."""
    without_authorisation(sp_world.gamma)
    Organisation.objects.filter(pk=sp_world.gamma.pk).update(language="en")  # the text checked below
    change = announced_addition([MAIL], slug="mailrelay", countries="CH")
    gamma = ChangeRecipient.objects.get(change=change, organisation=sp_world.gamma)
    beta = ChangeRecipient.objects.get(change=change, organisation=sp_world.beta)
    assert (gamma.authorisation, gamma.notice_days) == ("none", None)
    assert not recipient_applies(gamma, change.kind) and recipient_state(gamma, change.kind) == "not-authorised"
    assert recipient_applies(beta, change.kind)
    told = Message.objects.get(topic="subprocessor.change", organisation=sp_world.gamma)
    assert "no written authorisation" in told.body_text and "will not engage" in told.body_text
    assert told.payload["authorisation"] == "none"
    entry = AuditEntry.objects.get(action="subprocessor.change.announce")
    assert entry.after["not_authorised"] == 1 and entry.after["customers"] == 2

    make_effective(change)
    assert "mailrelay" not in {sp.slug for sp in subprocessors_for_organisation(sp_world.gamma)}
    assert "mailrelay" in {sp.slug for sp in subprocessors_for_organisation(sp_world.beta)}
    assert ("GAMMA", "mailrelay") not in unauthorised_sql()


def test_a_customer_without_authorisation_cannot_object_or_consent(sp_world, gamma_admin):
    without_authorisation(sp_world.gamma)
    change = announced_addition([MAIL], slug="mailrelay", countries="CH")
    with pytest.raises(ValidationError, match="nothing to object or consent to"):
        change_object(actor=gamma_admin, change=change, organisation=sp_world.gamma, reason="No.")
    with pytest.raises(ValidationError, match="no open objection"):
        change_resolve(
            actor=TEST_ACTOR, change=change, organisation=sp_world.gamma, resolution="old_arrangement", note="x"
        )


def test_the_effective_date_is_the_longest_recorded_notice_else_the_providers_minimum(sp_world):
    """Only recorded notice periods count: ACME (none) does not pull BETA's 10 days up to 30. With no
    customer concerned holding one, the provider's own minimum (30 days: not the law) applies."""
    today = timezone.localdate()
    without_authorisation(sp_world.acme)
    contract_set(actor=TEST_ACTOR, organisation=sp_world.beta, authorisation="general", notice_days=10)
    change = announced_addition([WEB], slug="webcache", countries="CH")
    assert change.effective_on == today + dt.timedelta(days=10)

    without_authorisation(sp_world.beta)
    sp = new_subprocessor("webcache2", countries="CH")
    draft = change_draft(actor=TEST_ACTOR, kind="addition", subprocessor=sp, summary="Faster.", services=[WEB])
    with pytest.raises(ValidationError, match="provider's own minimum is 30 days"):
        change_announce(actor=TEST_ACTOR, change=draft, effective_on=today + dt.timedelta(days=29))
    announced = change_announce(actor=TEST_ACTOR, change=draft)
    assert announced.effective_on == today + dt.timedelta(days=PROVIDER_MINIMUM_NOTICE_DAYS)
    entry = AuditEntry.objects.filter(action="subprocessor.change.announce").latest("seq")
    assert entry.after["longest_notice_days"] is None and entry.after["not_authorised"] == 2


def test_the_sub_processor_page_lists_the_customers_without_authorisation_on_its_data(sp_world, dpo_client):
    without_authorisation(sp_world.acme)
    new_subprocessor("mailer", countries="CH", engaged_by="helpdesk", in_use_from=SINCE)
    assert [o.ref for o in unauthorised_customers_of(sp_world.helpdesk)] == ["ACME"]
    html = dpo_client.get("/staff/subprocessors/mailer/").content.decode()
    assert "Customers without a recorded authorisation" in html and "ACME" in html
    html = dpo_client.get("/staff/subprocessors/helpdesk/").content.decode()
    assert "/staff/subprocessors/contracts/ACME/" in html


def test_the_contracts_page_lists_every_customer_and_filters_those_not_authorised(sp_world, dpo_client):
    without_authorisation(sp_world.delta)
    html = dpo_client.get("/staff/subprocessors/contracts/").content.decode()
    for ref in ("ACME", "BETA", "GAMMA", "DELTA"):
        assert ref in html
    assert "1 customer has no recorded authorisation." in html
    page = dpo_client.get("/staff/subprocessors/contracts/", {"authorisation": "none"})
    assert [org.ref for org, _terms in page.context["rows"]] == ["DELTA"]
    html = dpo_client.get("/staff/subprocessors/contracts/DELTA/").content.decode()
    assert "Not authorised." in html


def test_the_change_page_shows_a_customer_without_authorisation_as_such(sp_world, dpo_client):
    without_authorisation(sp_world.gamma)
    change = announced_addition([MAIL], slug="mailrelay", countries="CH")
    response = dpo_client.get(f"/staff/subprocessors/changes/{change.pk}/")
    html = response.content.decode()
    assert "not authorised: does not apply" in html
    assert response.context["counts"].not_authorised_count == 1


def test_the_portal_tells_the_customer_no_authorisation_is_on_record(sp_world, make_user):
    from tests.conftest import logged_in

    without_authorisation(sp_world.acme)
    client = logged_in(make_user("ann@acme.example", "customer_viewer", sp_world.acme))
    html = client.get("/portal/subprocessors/").content.decode()
    assert "No authorisation on record." in html and "not authorised by you" in html


def test_the_api_says_none_and_lists_those_without(sp_world, make_user):
    from django.test import Client

    from art28.core.services import api_token_create

    without_authorisation(sp_world.delta)
    dpo = make_user("dpo2@provider.example", "dpo")
    _, secret = api_token_create(actor=TEST_ACTOR, user=dpo, name="t")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    body = api.get("/api/v1/subprocessors/contracts/DELTA").json()
    assert (body["authorised"], body["authorisation"], body["notice_days"]) == (False, "none", None)
    listed = api.get("/api/v1/subprocessors/contracts", {"authorisation": "none"}).json()
    assert [row["customer"] for row in listed] == ["DELTA"]
    assert api.get("/api/v1/subprocessors/contracts", {"authorisation": "maybe"}).status_code == 422


def test_many_paper_authorisations_are_recorded_at_once_with_one_summary_entry(sp_world, dpo_user):
    from art28.subprocessors.models import Contract
    from art28.subprocessors.services import contracts_record_signed

    without_authorisation(sp_world.acme)
    without_authorisation(sp_world.beta)
    contract_set(actor=TEST_ACTOR, organisation=sp_world.gamma, authorisation="specific", notice_days=20)
    recorded = contracts_record_signed(
        actor=dpo_user,
        organisations=sp_world.organisations,
        authorisation="general",
        notice_days=45,
        signed_on=dt.date(2025, 6, 1),
    )
    assert recorded == 2
    assert {c.organisation.ref: (c.authorisation, c.notice_days) for c in Contract.objects.all()} == {
        "ACME": ("general", 45),
        "BETA": ("general", 45),
        "GAMMA": ("specific", 20),  # kept its own
        "DELTA": ("general", 30),  # kept its own (the fixture's)
    }
    entry = AuditEntry.objects.get(action="subprocessor.contract.set-many")
    assert entry.after["customers"] == 2 and entry.after["kept_their_own"] == 2
    with pytest.raises(ValidationError):
        contracts_record_signed(
            actor=dpo_user, organisations=[sp_world.acme], authorisation="none", notice_days=30, signed_on=SINCE
        )


def test_the_dashboard_counts_and_lists_the_customers_whose_data_sub_processors_process_unauthorised(
    sp_world, dpo_client
):
    without_authorisation(sp_world.acme)
    without_authorisation(sp_world.delta)  # no sub-processor on its data: not listed
    response = dpo_client.get("/staff/")
    html = response.content.decode()
    assert response.context["unauthorised_count"] == 1
    assert response.context["unauthorised"] == [("ACME", "Acme Sàrl", 1)]
    assert "1 customer has no recorded authorisation of sub-processors" in html
    assert "/staff/subprocessors/contracts/ACME/" in html
    assert "?reason=subprocessor-unauthorised" in html

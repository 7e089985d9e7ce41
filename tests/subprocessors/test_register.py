"""The register (S4): validation, the chain (GDPR Art. 28(4)), the audit trail, who may write, and the
register at a past date; the contracts (Art. 28(2), DSV Art. 7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from art28.core.audit import verify_chain
from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.subprocessors.models import Contract, SubProcessor
from art28.subprocessors.selectors import chain_of, contract_terms, effective_services, public_register
from art28.subprocessors.services import (
    contract_set,
    subprocessor_create,
    subprocessor_delete,
    subprocessor_update,
)
from tests.conftest import TEST_ACTOR
from tests.subprocessors.fixtures import SINCE, WEB, new_subprocessor, without_authorisation

pytestmark = pytest.mark.django_db


def test_a_sub_processor_is_registered_normalised_and_audited(sp_world):
    sp = subprocessor_create(
        actor=TEST_ACTOR,
        slug="Mainhattan-Colo",
        legal_name=" Mainhattan Colocation GmbH ",
        address="Hanauer Landstrasse 1, Frankfurt am Main",
        purpose="Colocation of the FRA1 cage",
        countries="de, ch",
        data_categories="logs; contact details;logs",
        sites=["FRA1"],
        services=["Backup"],
    )
    assert (sp.slug, sp.legal_name, sp.countries, sp.data_categories) == (
        "mainhattan-colo",
        "Mainhattan Colocation GmbH",
        "CH;DE",
        "contact details;logs",
    )
    assert [s.code for s in sp.sites.all()] == ["FRA1"] and sp.in_use_from is None
    entry = AuditEntry.objects.get(action="subprocessor.create", object_id=str(sp.pk))
    assert entry.after["sites"] == ["FRA1"] and entry.after["services"] == ["Backup"]
    assert verify_chain().ok


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"countries": "Germany"}, "countries", "not an ISO 3166-1 alpha-2"),
        ({"countries": ""}, "countries", "at least one country"),
        ({"countries": "US"}, "transfer_safeguard", "name the safeguard (GDPR Art. 46"),
        ({"slug": "not a slug"}, "slug", "slug"),
        ({"slug": "changes"}, "slug", "reserved"),
        ({"contact_email": "nope"}, "contact_email", "valid email"),
        ({"services": ["Nope"]}, "services", "unknown service"),
        ({"sites": ["NOPE1"]}, "sites", "unknown site"),
        ({"engaged_by": "nobody"}, "engaged_by", "no sub-processor"),
        ({"in_use_from": SINCE, "in_use_until": SINCE}, "in_use_until", "cannot stop"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(sp_world, fields, field, message):
    data = {"slug": "x-corp", "legal_name": "X", "address": "Y", "purpose": "Z", "countries": "DE"} | fields
    before = SubProcessor.objects.count()
    with pytest.raises(ValidationError) as raised:
        subprocessor_create(actor=TEST_ACTOR, **data)
    assert field in raised.value.message_dict
    assert message.lower() in " ".join(raised.value.message_dict[field]).lower()
    assert SubProcessor.objects.count() == before


def test_the_slug_is_unique(sp_world):
    with pytest.raises(ValidationError, match="already exists"):
        new_subprocessor("helpdesk", countries="CH")


def test_the_chain_cannot_loop(sp_world):
    """Art. 28(4): the chain goes up to the provider; a → b → c → a is refused, naming the loop."""
    a = new_subprocessor("a-corp", countries="CH")
    b = new_subprocessor("b-corp", countries="CH", engaged_by="a-corp")
    new_subprocessor("c-corp", countries="CH", engaged_by="b-corp")
    with pytest.raises(ValidationError, match="would loop: a-corp → c-corp → b-corp → a-corp"):
        subprocessor_update(actor=TEST_ACTOR, subprocessor=a, engaged_by="c-corp")
    with pytest.raises(ValidationError, match="would loop"):
        subprocessor_update(actor=TEST_ACTOR, subprocessor=b, engaged_by=b)
    a.refresh_from_db()
    assert a.engaged_by_id is None


def test_the_chain_and_its_services(sp_world):
    mailer = new_subprocessor("mailer", engaged_by="helpdesk")
    relay = new_subprocessor("relay", countries="CH", engaged_by="mailer", services=["Mail"])
    assert [sp.slug for sp in chain_of(relay)] == ["relay", "mailer", "helpdesk"]
    assert [s.name for s in effective_services(relay)] == ["Mail", WEB]
    assert [s.name for s in effective_services(mailer)] == [WEB]


def test_an_update_audits_only_what_changed(sp_world):
    subprocessor_update(actor=TEST_ACTOR, subprocessor=sp_world.helpdesk, purpose="Tickets and chat", sites=["GVA1"])
    entry = AuditEntry.objects.get(action="subprocessor.update")
    assert entry.before == {"purpose": "Support tickets", "sites": []}
    assert entry.after == {"purpose": "Tickets and chat", "sites": ["GVA1"]}
    subprocessor_update(actor=TEST_ACTOR, subprocessor=sp_world.helpdesk, purpose="Tickets and chat")
    assert AuditEntry.objects.filter(action="subprocessor.update").count() == 1


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.AUDITOR, Role.SECURITY])
def test_only_the_dpo_and_administrators_write(sp_world, make_user, role):
    user = make_user(f"{role}@provider.example", role)
    with pytest.raises(PermissionDenied):
        subprocessor_update(actor=user, subprocessor=sp_world.helpdesk, purpose="x")
    with pytest.raises(PermissionDenied):
        contract_set(actor=user, organisation=sp_world.acme, authorisation="specific", notice_days=30)


def test_the_dpo_writes(sp_world, dpo_user):
    subprocessor_update(actor=dpo_user, subprocessor=sp_world.helpdesk, purpose="x")
    assert AuditEntry.objects.get(action="subprocessor.update").actor_label == dpo_user.email


def test_the_register_at_a_past_date(sp_world):
    """The list at any past date: in use from ``in_use_from`` (inclusive) until ``in_use_until`` (exclusive)."""
    old = new_subprocessor(
        "old-desk", legal_name="Old Desk", countries="CH", in_use_from=dt.date(2020, 1, 1), in_use_until=SINCE
    )
    new_subprocessor("later", legal_name="Later", countries="CH", in_use_from=dt.date(2030, 1, 1))
    new_subprocessor(
        "chained", legal_name="Chained", countries="CH", engaged_by="old-desk", in_use_from=dt.date(2021, 6, 1)
    )

    def on(day: dt.date) -> list[str]:
        return [sp.slug for sp in public_register(day)]

    assert on(dt.date(2019, 12, 31)) == []
    assert on(dt.date(2020, 1, 1)) == ["old-desk"]
    assert on(dt.date(2022, 1, 1)) == ["chained", "old-desk"]
    assert on(SINCE) == ["helpdesk"]  # old-desk (and so its chain) ended the day helpdesk began
    assert on(dt.date(2030, 1, 1)) == ["helpdesk", "later"]  # Helvetia Helpdesk AG, Later
    [row] = [sp for sp in public_register(dt.date(2022, 1, 1)) if sp.slug == "chained"]
    assert row.engaged_by == old


def test_public_register_queries_do_not_grow_with_the_register(sp_world, django_assert_max_num_queries):
    for n in range(20):
        parent = "helpdesk" if n % 2 else None
        new_subprocessor(f"sp-{n}", countries="CH", engaged_by=parent, in_use_from=SINCE, services=[WEB])
    with django_assert_max_num_queries(4):  # in-use ids, the rows, their services, their sites
        rows = public_register()
        assert len(rows) == 21
        assert all(sp.engaged_by.slug == "helpdesk" for sp in rows if sp.engaged_by_id)
        assert [s.name for sp in rows for s in sp.services.all()]


def test_only_an_entry_never_in_use_and_named_by_no_change_can_be_deleted(sp_world):
    with pytest.raises(ValidationError, match="It was in use"):
        subprocessor_delete(actor=TEST_ACTOR, subprocessor=sp_world.helpdesk)
    typo = new_subprocessor("typo", countries="CH", agreement=False)
    subprocessor_delete(actor=TEST_ACTOR, subprocessor=typo)
    assert not SubProcessor.objects.filter(slug="typo").exists()
    assert AuditEntry.objects.filter(action="subprocessor.delete").exists()


def test_an_entry_with_a_flow_down_agreement_stays_in_the_register(sp_world):
    """GDPR Art. 28(4): the agreement recorded for it is evidence; the entry is no mistake to delete."""
    bound = new_subprocessor("bound", countries="CH")
    with pytest.raises(ValidationError, match="flow-down agreement is recorded"):
        subprocessor_delete(actor=TEST_ACTOR, subprocessor=bound)
    assert SubProcessor.objects.filter(slug="bound").exists()


def test_art28_2_without_a_recorded_contract_a_customer_is_not_authorised_not_general_30_days(sp_world):
    """GDPR Art. 28(2), nFADP Art. 9(3), DSV Art. 7: a PRIOR WRITTEN authorisation, so no row means none
    (the old code answered general authorisation, 30 days, for a customer without a Contract)."""
    without_authorisation(sp_world.acme)
    terms = contract_terms(sp_world.acme)
    assert (terms.authorisation, terms.notice_days, terms.authorised) == ("none", None, False)

    contract_set(
        actor=TEST_ACTOR,
        organisation=sp_world.acme,
        authorisation="specific",
        notice_days=60,
        signed_on=dt.date(2026, 3, 1),
    )
    contract = Contract.objects.get(organisation=sp_world.acme)
    assert (contract.notice_days, contract.source, contract.signed_on) == (60, "manual", dt.date(2026, 3, 1))
    assert contract.recorded_on == timezone.localdate() and contract.acceptance is None
    assert contract_terms(sp_world.acme).authorised
    entry = AuditEntry.objects.filter(action="subprocessor.contract.set", organisation_id=sp_world.acme.pk).latest(
        "seq"
    )
    assert entry.before["authorisation"] == "none" and entry.after["authorisation"] == "specific"
    with pytest.raises(ValidationError):
        contract_set(actor=TEST_ACTOR, organisation=sp_world.acme, authorisation="specific", notice_days=400)
    with pytest.raises(ValidationError):
        contract_set(actor=TEST_ACTOR, organisation=sp_world.acme, authorisation="maybe", notice_days=30)
    with pytest.raises(ValidationError):
        contract_set(actor=TEST_ACTOR, organisation=sp_world.acme, authorisation="none", notice_days=30)


def test_an_adequate_country_needs_no_safeguard_gdpr_art_45_and_dsv_annex_1(sp_world):
    """The United Kingdom is adequate under both laws (Implementing Decision (EU) 2021/1772 and its
    renewal; DSV Annex 1): no Art. 46 / nFADP Art. 16(2) safeguard is asked for."""
    sp = new_subprocessor("uk-mail", countries="GB", transfer_safeguard="")
    assert sp.transfer_safeguard == ""
    grounds = dict(sp.grounds(sp.created_at.date()))
    assert {str(g.kind) for g in grounds["GB"].values()} == {"adequacy"}


def test_a_us_recipient_certified_under_both_data_privacy_frameworks_needs_no_safeguard(sp_world):
    """Implementing Decision (EU) 2023/1795 (EU-US DPF) and DSV Annex 1 since 15 September 2024 (Swiss-US
    DPF): certified under both, the US needs no safeguard; under one only, it still does."""
    with pytest.raises(ValidationError) as raised:
        new_subprocessor("us-half", countries="US", transfer_safeguard="", dpf_eu_us_since=dt.date(2024, 1, 2))
    assert "US" in " ".join(raised.value.message_dict["transfer_safeguard"])
    sp = new_subprocessor(
        "us-both",
        countries="US",
        transfer_safeguard="",
        dpf_eu_us_since=dt.date(2024, 1, 2),
        dpf_swiss_us_since=dt.date(2024, 10, 1),
    )
    assert sp.dpf_swiss_us_since == dt.date(2024, 10, 1)

"""Every state outside the provider's country where a controller's data is, with its ground per law
(issue 9, item 1: GDPR Art. 30(2)(c) asks for third-country transfers, nFADP Art. 12(2)(g) / 12(3) for
every foreign state; the record shows both, with sites, copies carried by flows and sub-processors).
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from art28.records.generation import controller_record, iter_records
from art28.subprocessors.services import subprocessor_update

pytestmark = pytest.mark.django_db


def _places(record) -> dict[tuple[str, str, str], object]:
    return {(state.country, p.kind, p.name): p for state in record.foreign_states for p in state.places}


def test_a_backup_copied_to_a_german_site_is_listed_for_a_swiss_provider_with_both_grounds(records_world, settings):
    """nFADP Art. 12(2)(g): Germany is a foreign state (ground: adequacy, DSV Annex 1); for the GDPR it is
    inside the EEA (no transfer), so it is not among the Art. 30(2)(c) third countries."""
    settings.ART28_PROVIDER_COUNTRY = "CH"
    record = controller_record(records_world.acme)
    flow = _places(record)[("DE", "flow", "fra-backup-1")]
    assert flow.gdpr.kind == "eea"
    assert flow.nfadp.kind == "adequacy" and "DSV Annex 1" in flow.nfadp.basis
    germany = next(state for state in record.foreign_states if state.country == "DE")
    assert not germany.gdpr_third_country and not germany.has_problem
    assert [state.country for state in record.gdpr_transfers] == ["US"]


def test_for_a_provider_established_in_germany_data_on_a_swiss_site_is_listed(records_world, settings):
    """With the provider in Germany, Switzerland is the foreign state: GDPR adequacy by Commission Decision
    2000/518/EC; for the nFADP it is no disclosure abroad. Germany itself is not listed."""
    settings.ART28_PROVIDER_COUNTRY = "DE"
    places = _places(controller_record(records_world.acme))
    gva = places[("CH", "site", "GVA1")]
    assert gva.gdpr.kind == "adequacy" and "2000/518/EC" in gva.gdpr.basis
    assert gva.nfadp.kind == "switzerland"
    assert not any(country == "DE" for country, _, _ in places)
    # The Swiss helpdesk sub-processor works on ACME's web hosting: listed under Switzerland too.
    assert places[("CH", "subprocessor", "Helvetia Helpdesk AG")].gdpr.kind == "adequacy"


def test_a_dpf_certified_us_subprocessor_is_adequate_per_law_and_the_record_says_which(records_world):
    """GDPR: Implementing Decision (EU) 2023/1795 for an EU-US DPF certified recipient; nFADP: DSV Annex 1
    only with the Swiss-US certification — until then its safeguard is the nFADP ground."""
    subprocessor_update(actor=_system(), subprocessor=records_world.mailjet, dpf_eu_us_since=dt.date(2024, 5, 1))
    mailjet = _places(controller_record(records_world.acme))[("US", "subprocessor", "Deliverability Inc.")]
    assert mailjet.gdpr.kind == "adequacy" and "2023/1795" in mailjet.gdpr.basis and "2024-05-01" in mailjet.gdpr.basis
    assert mailjet.nfadp.kind == "safeguard" and mailjet.nfadp.basis == "SCC with the Swiss addendum"


def test_a_state_without_any_ground_is_shown_as_a_problem_on_the_page(records_world, dpo_client):
    """The provider's own US site has neither adequacy nor a safeguard: flagged, not hidden."""
    page = dpo_client.get("/staff/records/ACME/").content.decode()
    assert "NO GROUND" in page and 'class="bad"' in page
    assert "fra-backup-1" in page and "DSV Annex 1" in page


def test_records_export_json_lists_each_foreign_state_with_its_ground_per_law(records_world):
    """The issue's check: `art28 records-export --customer REF --format json`."""
    out = io.StringIO()
    call_command("records_export", "--customer", "ACME", "--format", "json", stdout=out)
    record = json.loads(out.getvalue())
    states = {state["country"]: state for state in record["foreign_states"]}
    assert set(states) == {"DE", "US"}
    assert states["US"]["gdpr_third_country"] and not states["DE"]["gdpr_third_country"]
    flow = next(p for p in states["DE"]["places"] if p["kind"] == "flow")
    assert flow == {
        "kind": "flow",
        "name": "fra-backup-1",
        "gdpr": {"ground": "eea", "basis": "GDPR Art. 44: no transfer inside the EEA"},
        "nfadp": {"ground": "adequacy", "basis": "DSV Annex 1"},
    }
    site = next(p for p in states["US"]["places"] if p["kind"] == "site")
    assert site["gdpr"]["ground"] == site["nfadp"]["ground"] == "none"


def test_flows_abroad_are_found_for_every_controller_in_the_bulk_engine_as_for_one(records_world):
    """The bulk engine (all controllers, a fixed number of queries) and the one-controller path agree."""
    bulk = {record.ref: record.foreign_states for record in iter_records()}
    for organisation in records_world.sp.organisations:
        assert bulk[organisation.ref] == controller_record(organisation).foreign_states
    beta = {(s.country, p.kind, p.name) for s in bulk["BETA"] for p in s.places}
    assert ("DE", "flow", "fra-backup-1") in beta  # BETA's web-vm-1 is backed up to Frankfurt too
    assert not any(
        kind == "flow" for _, kind, _ in {(s.country, p.kind, p.name) for s in bulk["GAMMA"] for p in s.places}
    )


def _system():
    from tests.conftest import TEST_ACTOR

    return TEST_ACTOR

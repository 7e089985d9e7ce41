"""The Art. 30(2) record of each controller, generated from the inventory, services, register and TOMs
(GDPR Art. 30(2)(a)-(d), nFADP Art. 12), and its exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test.utils import override_settings

from art28.records.exports import CONTROLLER_COLUMNS, controllers_csv, controllers_json
from art28.records.generation import controller_record, iter_records
from art28.subprocessors.selectors import subprocessors_for_organisation

pytestmark = pytest.mark.django_db


@override_settings(ART28_DPO_NAME="Dana Officer", ART28_DPO_EMAIL="dpo@example-hosting.ch")
def test_art30_2_a_names_the_processor_its_dpo_and_the_controller_with_its_contact(records_world):
    record = controller_record(records_world.acme)
    assert record.processor.dpo_name == "Dana Officer" and record.processor.dpo_email == "dpo@example-hosting.ch"
    assert record.processor.name and record.processor.address
    assert (record.ref, record.name, record.contact) == ("ACME", "Acme Sàrl", "privacy@acme.example")


def test_art30_2_b_categories_of_processing_come_from_the_customers_services_and_placements(records_world):
    acme = controller_record(records_world.acme)
    assert acme.services == ["Backup", "Web hosting"]
    assert acme.data_categories == ["contact", "customer", "invoices"]
    beta = controller_record(records_world.beta)
    assert beta.services == ["Mail", "Web hosting"]


def test_art30_2_c_a_site_abroad_and_a_subprocessor_abroad_are_listed_with_their_grounds(records_world):
    states = {state.country: state for state in controller_record(records_world.acme).foreign_states}
    us = {(p.kind, p.name): p for p in states["US"].places}
    site = us[("site", "NYC1")]  # the provider's own site: no adequacy, no safeguard — a problem, shown as one
    assert site.gdpr.kind == "none" and site.nfadp.kind == "none" and site.has_problem
    mailjet = us[("subprocessor", "Deliverability Inc.")]
    assert (mailjet.gdpr.kind, mailjet.gdpr.basis) == ("safeguard", "SCC with the Swiss addendum")
    assert mailjet.nfadp.kind == "safeguard"
    assert "CH" not in states  # the provider's own country is no foreign state


def test_art28_2_an_objection_keeps_the_subprocessor_out_of_that_controllers_record(records_world):
    beta = controller_record(records_world.beta)
    assert "Deliverability Inc." not in [sp.name for sp in beta.subprocessors]
    assert all(p.kind != "subprocessor" for state in beta.foreign_states for p in state.places)
    assert "Deliverability Inc." in [sp.name for sp in controller_record(records_world.acme).subprocessors]


def test_the_record_lists_the_same_subprocessors_as_the_portal_page_for_every_customer(records_world):
    """The bulk engine mirrors subprocessors_for_organisation (the portal's "working on your data")."""
    for organisation in records_world.sp.organisations:
        expected = sorted(sp.legal_name for sp in subprocessors_for_organisation(organisation))
        assert sorted(sp.name for sp in controller_record(organisation).subprocessors) == expected


def test_art30_2_d_measures_are_the_active_ones_applying_to_the_customers_services(records_world):
    acme = {m.ref for m in controller_record(records_world.acme).measures}
    beta = {m.ref for m in controller_record(records_world.beta).measures}
    assert acme == {"tom-a-encryption", "tom-d-pentest"}  # no Mail, and the retired one is gone
    assert beta == {"tom-a-encryption", "tom-b-mail-filter", "tom-d-pentest"}


def test_all_controllers_cost_a_fixed_number_of_queries(records_world, make_org, django_assert_max_num_queries):
    inv = records_world.sp.inventory
    for index in range(30):
        org = make_org(f"BULK{index:02}", privacy_email=f"p{index}@bulk.example")
        inv.place(org, "web-vol-1" if index % 2 else "mail-1", data_categories="contact")
    with django_assert_max_num_queries(15):
        records = list(iter_records())
    assert len(records) == 34
    assert {r.ref for r in records if r.ref.startswith("BULK")} == {f"BULK{i:02}" for i in range(30)}


def test_the_all_controllers_csv_and_json_parse_with_one_row_per_controller(records_world):
    rows = list(csv.DictReader(io.StringIO("".join(controllers_csv(iter_records())))))
    assert list(rows[0]) == list(CONTROLLER_COLUMNS)
    by_ref = {row["customer_ref"]: row for row in rows}
    assert set(by_ref) == {"ACME", "BETA", "GAMMA", "DELTA"}
    assert by_ref["ACME"]["services"] == "Backup; Web hosting"
    assert "US: site NYC1 [gdpr none; nfadp none]" in by_ref["ACME"]["foreign_states"]
    document = json.loads("".join(controllers_json(iter_records())))
    assert [c["ref"] for c in document["controllers"]] == ["ACME", "BETA", "DELTA", "GAMMA"]
    acme = document["controllers"][0]
    assert acme["processor"]["dpo_email"] and [s["country"] for s in acme["foreign_states"]] == ["DE", "US"]


def test_a_controller_without_data_has_an_empty_but_complete_record(records_world, make_org):
    record = controller_record(make_org("EMPTY", name="Empty GmbH"))
    assert record.services == [] and record.subprocessors == [] and record.foreign_states == []
    assert {m.ref for m in record.measures} == {"tom-a-encryption", "tom-d-pentest"}  # every-service measures

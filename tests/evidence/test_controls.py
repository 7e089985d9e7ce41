"""A measure as a control (S2): ISO/IEC 27001:2022 Annex A ids checked against the Annex's ranges, Swiss
references in their written form, a reason when it does not apply, only known collectors; one audit
entry; only the DPO or an administrator changes it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from art28.core.models import AuditEntry
from art28.core.roles import Role
from art28.records.controls import control_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(make_user):
    return make_user("dpo@example-hosting.ch", Role.DPO)


def _set(actor, measure, **changes):
    fields = {"nfadp_refs": ["DSV 3(1)(a)"], "iso_refs": ["A.8.24"], "applicable": True,
              "applicability_reason": "", "evidence_sources": []} | changes  # fmt: skip
    return control_set(actor=actor, measure=measure, **fields)


ANNEX_A_EDGES = [
    ("A.5.1", True), ("A.5.37", True), ("A.5.38", False), ("A.6.8", True), ("A.6.9", False), ("A.7.14", True),
    ("A.7.15", False), ("A.8.34", True), ("A.8.35", False), ("A.8.0", False), ("A.4.1", False), ("8.24", False),
]  # fmt: skip


@pytest.mark.parametrize(("ref", "ok"), ANNEX_A_EDGES)
def test_iso_annex_a_ids_are_those_of_the_2022_annex(dpo, measure, ref, ok):
    if ok:
        assert _set(dpo, measure, iso_refs=[ref]).iso_refs == [ref]
    else:
        with pytest.raises(ValidationError) as error:
            _set(dpo, measure, iso_refs=[ref])
        assert "iso_refs" in error.value.message_dict


def test_the_control_is_saved_sorted_with_one_audit_entry(dpo, measure, register):
    register("test.probes", lambda since, until: [])
    saved = _set(dpo, measure, iso_refs=["A.8.22", "A.5.15", "A.8.3"], nfadp_refs=["nFADP 8", "DSV 5"],
                 evidence_sources=["test.probes"])  # fmt: skip
    assert saved.iso_refs == ["A.5.15", "A.8.3", "A.8.22"] and saved.nfadp_refs == ["DSV 5", "nFADP 8"]
    entry = AuditEntry.objects.get(action="records.measure.control")
    assert entry.object_id == str(measure.pk) and entry.after["evidence_sources"] == ["test.probes"]


def test_bad_input_names_the_field_and_changes_nothing(dpo, measure):
    with pytest.raises(ValidationError) as error:
        _set(dpo, measure, nfadp_refs=["Art. 8"], applicable=False, evidence_sources=["nope.none"])
    assert set(error.value.message_dict) == {"nfadp_refs", "applicability_reason", "evidence_sources"}
    measure.refresh_from_db()
    assert (
        measure.applicable
        and measure.nfadp_refs == []
        and not AuditEntry.objects.filter(action="records.measure.control").exists()
    )


def test_only_the_dpo_or_an_administrator_sets_a_control(make_user, measure):
    security = make_user("sec@example-hosting.ch", Role.SECURITY)
    with pytest.raises(PermissionDenied):
        _set(security, measure)


def test_a_control_that_does_not_apply_is_no_measure_in_the_records_or_the_dpa(dpo, measure):
    """GDPR Art. 30(2)(d) and the DPA's annex list the measures taken; one that does not apply is not."""
    from art28.records.selectors import measures_for_services

    assert measure in measures_for_services([])
    _set(dpo, measure, applicable=False, applicability_reason="No tenant shares a host.")
    assert measure not in measures_for_services([])

"""A breach's impact over its time window, from the inventory's history (issue 12; GDPR Art. 33(3)(a))."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from art28.breaches.decisions import incident_decide_notify
from art28.breaches.impact import impact_of_incident, window_moments
from art28.breaches.models import AffectedCustomer
from art28.breaches.services import incident_declare, incident_scope_set
from art28.inventory.importers import import_inventory
from art28.inventory.models import InventorySync
from tests.conftest import TEST_ACTOR
from tests.inventory.conftest import CSV_EXAMPLE

pytestmark = pytest.mark.django_db
MICROSECOND = dt.timedelta(microseconds=1)


@pytest.fixture
def moved(tmp_path, settings):
    """Sync 1: ACME and GAMMA have data on zrh1-db-1. Sync 2: GAMMA's data has left it, BETA's arrived.
    Returns the two syncs' moments."""
    settings.ART28_SYNC_MAX_END_SHARE = 1.0
    import_inventory(CSV_EXAMPLE, actor=TEST_ACTOR, sync=True, source="cmdb")
    folder = shutil.copytree(CSV_EXAMPLE, tmp_path / "next")
    path = folder / "placements.csv"
    lines = [line for line in path.read_text("utf-8").splitlines(keepends=True) if not line.startswith("GAMMA")]
    path.write_text("".join(lines) + "BETA,zrh1-db-1,customer accounts,customers,40,40\n", "utf-8")
    import_inventory(folder, actor=TEST_ACTOR, sync=True, source="cmdb")
    first, second = InventorySync.objects.order_by("at")
    return first.at, second.at


def declare(window_from: dt.datetime | None, window_to: dt.datetime | None):
    incident = incident_declare(
        actor=TEST_ACTOR,
        title="Database dump leaked",
        aware_at=dt.datetime.now(dt.UTC),
        started_at=window_from or dt.datetime.now(dt.UTC),
        natures=["confidentiality"],
        assets=["zrh1-db-1"],
    )
    incident_scope_set(
        actor=TEST_ACTOR, incident=incident, assets=["zrh1-db-1"], window_from=window_from, window_to=window_to
    )
    incident.refresh_from_db()
    return incident


def customers(incident) -> list[str]:
    return [c.customer for c in impact_of_incident(incident).customers]


def test_a_window_before_the_move_touches_who_was_there_then_not_who_arrived_later(moved):
    first, second = moved
    incident = declare(first, second - MICROSECOND)

    impact = impact_of_incident(incident).by_organisation()
    assert sorted(c.customer for c in impact.values()) == ["ACME", "GAMMA"]
    gamma = next(c for c in impact.values() if c.customer == "GAMMA")
    # What was there then: GAMMA's placement as it was (the notice lists it).
    assert (gamma.assets, gamma.records) == (["zrh1-db-1"], 9000)
    assert gamma.data_categories == ["contact details", "health data"]

    incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    assert sorted(AffectedCustomer.objects.values_list("organisation__ref", flat=True)) == ["ACME", "GAMMA"]


def test_a_window_after_the_move_touches_who_is_there_now(moved):
    _, second = moved
    assert customers(declare(second, None)) == ["ACME", "BETA"]


def test_a_window_across_the_move_touches_both_and_counts_each_customer_once(moved):
    first, second = moved
    impact = impact_of_incident(declare(first, second + MICROSECOND))
    assert [c.customer for c in impact.customers] == ["ACME", "BETA", "GAMMA"]
    acme = impact.customers[0]
    assert (acme.assets, acme.records) == (["zrh1-db-1"], 1200)  # the same placement at both moments: once


def test_a_window_ending_at_the_very_moment_of_the_second_sync_sees_its_state(moved):
    """The window includes its end; the state the second sync began holds from that moment (half-open periods)."""
    first, second = moved
    assert customers(declare(first, second)) == ["ACME", "BETA", "GAMMA"]


def test_without_a_window_the_impact_is_where_data_is_now(moved):
    assert customers(declare(None, None)) == ["ACME", "BETA"]


def test_an_unchanged_sync_adds_no_moment_to_the_window_but_a_change_does(moved, tmp_path):
    """Each moment costs a copy of the inventory: a sync that created, updated and ended nothing repeats
    the state before it and is skipped; one that changed anything is kept, and so is every state."""
    first, second = moved
    import_inventory(CSV_EXAMPLE, actor=TEST_ACTOR, sync=True, source="cmdb")  # moves back: a change
    back = InventorySync.objects.latest("at").at
    import_inventory(CSV_EXAMPLE, actor=TEST_ACTOR, sync=True, source="cmdb")  # the same again: no change
    assert window_moments(first, None) == [first, second, back]
    assert customers(declare(second + MICROSECOND, None)) == ["ACME", "BETA", "GAMMA"]

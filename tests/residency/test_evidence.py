"""Residency's evidence collectors (issue 15, S2): the weekly audit read from the inventory's history, and
the signed attestations with the SHA-256 of the file the customer holds (GDPR Art. 28(3)(h), Art. 32(1)(d))."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from art28.core.evidence import Collected, Collector, collector, collectors
from art28.inventory.as_of import inventory_as_of
from art28.inventory.importers import import_inventory
from art28.residency.engine import REASONS, run_audit
from art28.residency.evidence import week_ends
from art28.residency.models import Attestation
from art28.residency.services import attestation_issue
from tests.conftest import TEST_ACTOR, run_collector
from tests.inventory.conftest import CSV_EXAMPLE

pytestmark = pytest.mark.django_db

# ISO 2026: week 40 is Monday 28 September to Sunday 4 October; it ends on Monday 5 October 00:00 (Zurich).
W39_END, W40_END, W41_END, W42_END, W43_END = (
    timezone.make_aware(dt.datetime(2026, month, day))
    for month, day in ((9, 28), (10, 5), (10, 12), (10, 19), (10, 26))
)
FIRST_SYNC = timezone.make_aware(dt.datetime(2026, 9, 30, 10))  # Wednesday of week 40: the example inventory
FIX_SYNC = timezone.make_aware(dt.datetime(2026, 10, 14, 10))  # Wednesday of week 42: the foreign flows end
# Names and addresses of the example's customers: personal data that no evidence item may carry.
PERSONAL = ["Acme Sàrl", "Beta AG", "Gamma, Fondazione", "privacy@acme.example", "dsb@beta.example"]


def audit() -> Collector:
    found = collector("residency.audit")
    assert found is not None
    return found


def attestations() -> Collector:
    found = collector("residency.attestation")
    assert found is not None
    return found


def collect(key: str, since: dt.datetime, until: dt.datetime) -> list[Collected]:
    return run_collector(key, since, until)


def sync(folder: Path, at: dt.datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: at)
        import_inventory(folder, actor=TEST_ACTOR, sync=True, source="cmdb")


def edited(tmp_path: Path, name: str, *, drop: tuple[str, ...] = (), add: dict[str, str] | None = None) -> Path:
    """The example inventory with the lines containing any of ``drop`` left out and ``add``'s lines appended."""
    folder = Path(shutil.copytree(CSV_EXAMPLE, tmp_path / name))
    for file in folder.glob("*.csv"):
        lines = file.read_text("utf-8").splitlines(keepends=True)
        kept = "".join(line for line in lines if not any(text in line for text in drop))
        file.write_text(kept + (add or {}).get(file.name, ""), "utf-8")
    return folder


@pytest.fixture
def history(tmp_path, monkeypatch, settings) -> None:
    """Week 40: the example inventory, with its backup to Frankfurt (DE) and support access from France.
    Week 42: both flows end (the fix); nothing else changes."""
    settings.ART28_SYNC_MAX_END_SHARE = 1.0
    sync(CSV_EXAMPLE, FIRST_SYNC, monkeypatch)
    sync(edited(tmp_path, "fixed", drop=("fra1-backup,,", "support_access")), FIX_SYNC, monkeypatch)


def test_the_residency_collectors_are_registered_once_the_apps_are_ready():
    keys = {c.key for c in collectors()}
    assert {"residency.audit", "residency.attestation"} <= keys
    assert audit().valid_days == 8 and attestations().valid_days == 90
    assert audit().controls == ("tom-b-data-residency",) == attestations().controls


def test_a_week_is_named_by_its_monday_to_sunday_and_ends_on_the_next_monday_at_midnight_local_time():
    weeks = list(week_ends(W40_END - dt.timedelta(days=1), W43_END + dt.timedelta(microseconds=1)))
    assert weeks == [("2026-W40", W40_END), ("2026-W41", W41_END), ("2026-W42", W42_END), ("2026-W43", W43_END)]
    # Summer time ended on Sunday 25 October 2026: week 43 ends at 00:00 CET, week 42 at 00:00 CEST.
    assert W42_END.utcoffset() == dt.timedelta(hours=2) and W43_END.utcoffset() == dt.timedelta(hours=1)
    # ISO years: 28 December 2026 closes 2026-W52; 4 January 2027 closes 2026-W53.
    end_of_year = timezone.make_aware(dt.datetime(2026, 12, 27))
    assert [w for w, _ in week_ends(end_of_year, end_of_year + dt.timedelta(days=14))] == ["2026-W52", "2026-W53"]


def test_the_weekly_audit_reproduces_the_past_a_violation_fixed_in_week_42_fails_weeks_40_and_41(history):
    items = collect("residency.audit", W39_END - dt.timedelta(days=7), W43_END + dt.timedelta(hours=1))
    # Weeks 38 and 39 ended before the history began (the first sync on 30 September): no answer, no item.
    assert [(i.key, i.effective_at, i.passed) for i in items] == [
        ("2026-W40", W40_END, False),
        ("2026-W41", W41_END, False),
        ("2026-W42", W42_END, True),
        ("2026-W43", W43_END, True),
    ]
    w40 = items[0]
    # The same findings as the residency audit "as of" that moment (run_audit, read in the history).
    with inventory_as_of(W40_END):
        then = run_audit(at=W40_END)
    assert w40.data["violations"] == len(then) == 4
    assert w40.data["by_reason"] == {reason: sum(v.reason == reason for v in then) for reason in REASONS}
    assert w40.data["by_reason"]["flow-outside"] == 4
    assert w40.data["customers_affected"] == len({v.customer for v in then}) == 3
    assert (w40.data["customers_checked"], w40.data["placements_checked"], w40.data["flows_checked"]) == (3, 4, 3)
    assert w40.data["week"] == "2026-W40" and w40.data["as_of"] == "2026-10-04T22:00:00.000000+00:00"
    w43 = items[-1]
    assert w43.data["violations"] == 0 and w43.data["customers_affected"] == 0
    assert w43.data["flows_checked"] == 1  # only the replication to ZRH1 is left
    assert w43.title == "Residency audit of week 2026-W43: 0 violations"
    # And the inventory now is what it is now (the copies of the past are gone).
    assert run_audit() == []


def test_a_week_is_collected_when_its_end_is_in_the_window_and_not_at_the_windows_end(history):
    """[since, until): the end of week 40 exactly at ``since`` is in; exactly at ``until`` it is out."""
    one = dt.timedelta(microseconds=1)
    assert [i.key for i in collect("residency.audit", W40_END, W40_END + one)] == ["2026-W40"]
    assert collect("residency.audit", W40_END - one, W40_END) == []
    assert [i.key for i in collect("residency.audit", W40_END + one, W41_END + one)] == ["2026-W41"]


def test_collecting_twice_gives_the_same_items_with_the_same_keys(history):
    first = collect("residency.audit", W39_END, W43_END + dt.timedelta(days=1))
    again = collect("residency.audit", W39_END, W43_END + dt.timedelta(days=1))
    assert first == again
    assert len({i.key for i in first}) == len(first) == 4


def test_a_week_that_has_not_ended_yet_gives_no_item(history):
    now = timezone.now()
    items = collect("residency.audit", now - dt.timedelta(days=15), now + dt.timedelta(days=30))
    ended = [week for week, end in week_ends(now - dt.timedelta(days=15), now) if end <= now]
    assert [i.key for i in items] == ended and len(ended) >= 2  # the last Mondays; none in the future
    assert all(i.effective_at <= now for i in items)


def test_without_history_there_is_no_audit_to_show():
    assert collect("residency.audit", W39_END, W43_END) == []


def test_the_audit_items_carry_no_personal_data(history):
    for item in collect("residency.audit", W39_END, W43_END + dt.timedelta(days=1)):
        text = json.dumps(item.data, ensure_ascii=False) + item.title
        assert not [name for name in PERSONAL if name in text]


def test_the_audit_costs_the_same_queries_per_week_whatever_the_inventory_holds(history, tmp_path, monkeypatch):
    """Set-based: the queries follow the number of weeks, not the placements (a large provider has 1M)."""
    with CaptureQueriesContext(connection) as small:
        assert len(collect("residency.audit", W43_END, W43_END + dt.timedelta(days=1))) == 1
    # Week 44: forty more placements on twenty more hosts, half of them in Frankfurt (violations too).
    assets = "".join(f"extra-{n},host,{'FRA1' if n % 2 else 'ZRH1'},,\n" for n in range(20))
    placements = "".join(f"ACME,extra-{n},,,1,1\nGAMMA,extra-{n},,,1,1\n" for n in range(20))
    more = edited(
        tmp_path,
        "more",
        drop=("fra1-backup,,", "support_access"),
        add={"assets.csv": assets, "placements.csv": placements},
    )
    sync(more, W43_END, monkeypatch)
    w45_end = W43_END + dt.timedelta(days=14)
    with CaptureQueriesContext(connection) as large:
        [item] = collect("residency.audit", w45_end, w45_end + dt.timedelta(days=1))
    assert item.key == "2026-W45" and item.data["placements_checked"] == 44 and item.data["violations"] == 20
    assert len(large) == len(small)


def test_the_audit_query_count_is_pinned(history, django_assert_max_num_queries):
    # Once per window: when the history begins. Per week: the history's copies of five tables (each created,
    # filled and indexed; PostgreSQL analyses them too), the locations, the four statements, the count, the
    # drops: 44 statements on SQLite, 51 on PostgreSQL.
    with django_assert_max_num_queries(1 + 51):
        assert len(collect("residency.audit", W43_END, W43_END + dt.timedelta(days=1))) == 1
    with django_assert_max_num_queries(1 + 4 * 51):
        assert len(collect("residency.audit", W40_END, W43_END + dt.timedelta(days=1))) == 4


# Attestations ------------------------------------------------------------------------------------------------


@pytest.fixture
def delta(world, make_org):
    """A customer whose only data is on a Zurich host with no flow: compliant."""
    delta = make_org("DELTA", name="Delta Ltd", privacy_email="privacy@delta.example")
    world.inventory.asset("zrh-host-9", site="ZRH1")
    world.inventory.place(delta, "zrh-host-9")
    world.inventory.refresh()
    return delta


def issued(organisation, at: dt.datetime, monkeypatch, actor=TEST_ACTOR) -> Attestation:
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: at)
        return attestation_issue(actor=actor, organisation=organisation)


MONDAY = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 30))


def test_an_attestation_item_carries_its_verdict_counts_and_the_sha256_of_the_customers_file(
    world, delta, signing_key, customer_a, client_a, monkeypatch
):
    acme = issued(world.acme, MONDAY, monkeypatch, actor=customer_a)
    fine = issued(delta, MONDAY + dt.timedelta(hours=1), monkeypatch)
    items = {i.key: i for i in collect("residency.attestation", MONDAY, MONDAY + dt.timedelta(days=1))}
    assert set(items) == {str(acme.public_id), str(fine.public_id)}

    item = items[str(acme.public_id)]
    assert item.effective_at == acme.issued_at == MONDAY
    assert item.organisation_id == world.acme.pk
    assert item.passed is False  # it attests violations (GDPR Art. 28(3)(h): the record shows the problem)
    download = client_a.get(reverse("portal:attestation_json", kwargs={"public_id": acme.public_id}))
    assert item.data["document_sha256"] == hashlib.sha256(download.content).hexdigest()
    # The signed document itself goes with the item (into the auditor's pack), byte for byte.
    assert item.attachment == (f"attestation-{acme.public_id}.json", download.content)
    assert item.data | {"document_sha256": "-"} == {
        "attestation": str(acme.public_id),
        "as_of": "2026-11-02T08:30:00.000000+00:00",
        "issued_at": "2026-11-02T08:30:00.000000+00:00",
        "key_id": acme.key_id,
        "compliant": False,
        "countries": ["CH", "DE"],
        "allowed_countries": ["CH"],
        "sites": 2,
        "placements": 2,
        "flows": 2,
        "violations": 3,
        "document_sha256": "-",
    }
    assert item.title == "Residency attestation as of 2026-11-02: 3 violations"

    ok = items[str(fine.public_id)]
    assert ok.passed is True and ok.organisation_id == delta.pk
    assert (ok.data["compliant"], ok.data["violations"], ok.data["placements"]) == (True, 0, 1)

    text = json.dumps([i.data for i in items.values()], ensure_ascii=False)
    for personal in ["Acme Sàrl", "Delta Ltd", "privacy@acme.example", "privacy@delta.example", customer_a.email]:
        assert personal not in text


def test_an_attestation_counts_in_the_window_it_was_signed_in_and_no_other(world, signing_key, monkeypatch):
    attestation = issued(world.acme, MONDAY, monkeypatch)
    one = dt.timedelta(microseconds=1)
    assert [i.key for i in collect("residency.attestation", MONDAY, MONDAY + one)] == [str(attestation.public_id)]
    assert collect("residency.attestation", MONDAY - dt.timedelta(days=7), MONDAY) == []
    assert collect("residency.attestation", MONDAY + one, MONDAY + dt.timedelta(days=7)) == []
    window = (MONDAY - dt.timedelta(days=1), MONDAY + dt.timedelta(days=1))
    assert collect("residency.attestation", *window) == collect("residency.attestation", *window)


def test_a_past_moments_attestation_is_effective_when_signed_and_says_which_day_it_speaks_for(
    history, signing_key, monkeypatch
):
    from art28.core.models import Organisation

    beta = Organisation.objects.get(ref="BETA")
    signed = timezone.make_aware(dt.datetime(2026, 10, 20, 8))
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: signed)
        attestation = attestation_issue(actor=TEST_ACTOR, organisation=beta, at=W41_END)
    [item] = collect("residency.attestation", signed, signed + dt.timedelta(seconds=1))
    assert item.effective_at == signed
    assert item.data["as_of"] == "2026-10-11T22:00:00.000000+00:00" and item.data["issued_at"] != item.data["as_of"]
    # In week 41 BETA's data still went to France (support access): what the attestation said then.
    assert item.passed is False and attestation.compliant is False and "FR" in item.data["countries"]


def test_the_attestations_cost_one_query_however_many(world, delta, signing_key, monkeypatch, make_org):
    issued(world.acme, MONDAY, monkeypatch)
    window = (MONDAY, MONDAY + dt.timedelta(days=1))
    with CaptureQueriesContext(connection) as one:
        assert len(collect("residency.attestation", *window)) == 1
    for hour in range(1, 6):
        issued(delta if hour % 2 else world.beta, MONDAY + dt.timedelta(hours=hour), monkeypatch)
    with CaptureQueriesContext(connection) as six:
        assert len(collect("residency.attestation", *window)) == 6
    assert len(one) == len(six) == 1

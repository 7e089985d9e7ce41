"""Time-to-patch (docs/patching.md): the upgrade's time minus the later of the fix's publication and the
host's first having the package; per severity the count, median, 95th percentile and share within the
service level. Each rule here has a test that fails when it is flipped (max→min, ≤→<, the release)."""

from __future__ import annotations

import datetime as dt

import pytest

from art28.core.audit import SystemActor
from art28.patching.advisories import advisories_import
from art28.patching.figures import iter_remediations, p95, patch_record
from art28.patching.packages import packages_import
from tests.patching.fleet import RELEASE, import_hosts, write_json

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")
UTC = dt.UTC


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, tzinfo=UTC)


def snapshot(folder, host: str, version: str, when: dt.datetime, release: str = RELEASE) -> None:
    (folder / f"{host}.txt").write_text(f"ii \tfoo\t{version}\t\t\n")
    packages_import(folder / f"{host}.txt", actor=ACTOR, release=release, taken_at=when)


@pytest.fixture
def fleet(tmp_path, settings):
    """foo's fix 1.0-2 (high) was published by a DSA on 10 June 2026."""
    settings.ART28_SLA_DAYS = {"critical": 7, "high": 30, "medium": 90, "low": 180}
    import_hosts(tmp_path, ["vm-a", "vm-b", "vm-c", "vm-d"])
    tracker = {"foo": {"CVE-2026-3000": {"releases": {RELEASE: {"status": "resolved", "fixed_version": "1.0-2",
                                                               "urgency": "high"}}}}}  # fmt: skip
    advisories_import(write_json(tmp_path / "t.json", tracker), format="debian-tracker", actor=ACTOR)
    events = [{"introduced": "0"}, {"fixed": "1.0-2"}]
    osv = {"id": "DSA-6100-1", "aliases": ["CVE-2026-3000"], "published": "2026-06-10T00:00:00Z",
           "affected": [{"package": {"ecosystem": "Debian:12", "name": "foo"},
                         "ranges": [{"type": "ECOSYSTEM", "events": events}]}]}  # fmt: skip
    advisories_import(write_json(tmp_path / "osv.json", osv), format="osv", actor=ACTOR)
    return tmp_path


def days_by_host() -> dict[str, float]:
    return {r.host: r.days for r in iter_remediations(since=at(1, 1))}


def test_time_to_patch_runs_from_the_fix_or_from_when_the_host_got_the_package_whichever_is_later(fleet):
    snapshot(fleet, "vm-a", "1.0-1", at(6, 1))  # had foo before the fix: the clock starts at the fix
    snapshot(fleet, "vm-a", "1.0-2", at(6, 20))
    snapshot(fleet, "vm-b", "1.0-1", at(7, 1))  # got foo after the fix: the clock starts then
    snapshot(fleet, "vm-b", "1.0-3", at(7, 5))
    assert days_by_host() == {"vm-a": 10.0, "vm-b": 4.0}


def test_an_upgrade_that_stays_below_the_fix_remedies_nothing_and_one_of_another_release_neither(fleet):
    snapshot(fleet, "vm-a", "1.0-1", at(6, 1))
    snapshot(fleet, "vm-a", "1.0-1+deb12u1~pre", at(6, 5))  # still below 1.0-2
    snapshot(fleet, "vm-c", "1.0-1", at(6, 1), release="trixie")
    snapshot(fleet, "vm-c", "1.0-2", at(6, 5), release="trixie")  # the advisory is bookworm's
    assert days_by_host() == {}


def test_the_figures_per_severity_count_median_p95_and_the_share_within_the_level(fleet):
    snapshot(fleet, "vm-a", "1.0-1", at(6, 1))
    snapshot(fleet, "vm-a", "1.0-2", at(6, 20))  # 10 days
    snapshot(fleet, "vm-b", "1.0-1", at(6, 1))
    snapshot(fleet, "vm-b", "1.0-2", at(7, 10))  # exactly 30 days: within (≤)
    snapshot(fleet, "vm-c", "1.0-1", at(6, 1))
    snapshot(fleet, "vm-c", "1.0-2", at(8, 19))  # 70 days: late
    record = patch_record(months=12)
    high = next(f for f in record["severities"] if f.severity == "high")
    assert (high.count, high.median_days, high.p95_days, high.sla_days) == (3, 30.0, 70.0, 30)
    assert high.within_sla == pytest.approx(2 / 3)
    assert set(record["months"]) == {"2026-06", "2026-07", "2026-08"}
    critical = next(f for f in record["severities"] if f.severity == "critical")
    assert critical.count == 0 and critical.median_days is None
    # Limited to some hosts (a customer's): only theirs.
    only_a = patch_record(months=12, host_ids=[_host_id("vm-a")])
    assert next(f for f in only_a["severities"] if f.severity == "high").count == 1


def _host_id(ref: str) -> int:
    from art28.inventory.models import Asset

    return Asset.objects.get(ref=ref).pk


@pytest.mark.parametrize(("values", "expected"), [([1.0], 1.0), ([float(n) for n in range(1, 21)], 19.0),
                                                  ([float(n) for n in range(1, 101)], 95.0)])  # fmt: skip
def test_p95_is_the_nearest_rank(values, expected):
    assert p95(values) == expected

"""The security-update evidence collector (S2 from S7; GDPR Art. 32(1)(b) and (d)): one item per month with
the time-to-patch of the fixes installed that month against the service levels, and the exposures left
open past their level when it ended, read from the hosts' history through the app's own importers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.evidence import Collected, collectors
from art28.core.roles import Role
from art28.patching.advisories import advisories_import
from art28.patching.exceptions import patch_exception_grant
from art28.patching.packages import packages_import
from tests.conftest import run_collector
from tests.patching.fleet import RELEASE, import_hosts, write_json

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")
KEY = "patching.service_levels"
CVE = "CVE-2026-3000"
REASON = "Appliance of Carla Rossi (carla.rossi@example-hosting.ch); WAF rule instead."


def utc(month: int, day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


def month_start(month: int, year: int = 2026) -> dt.datetime:
    """The first day of ``month`` at 00:00 in ART28_TIME_ZONE: the end of the month before."""
    return timezone.make_aware(dt.datetime(year, month, 1))


def snapshot(folder: Path, hosts: list[str], version: str, when: dt.datetime) -> None:
    """``hosts`` seen with ``foo`` at ``version`` at ``when`` (one import of a folder of dpkg-query lists)."""
    batch = folder / f"snap-{when:%m%d%H}-{version}"
    batch.mkdir()
    for host in hosts:
        (batch / f"{host}.txt").write_text(f"ii \tfoo\t{version}\t\t\n")
    packages_import(batch, actor=ACTOR, release=RELEASE, taken_at=when)


def collect(since: dt.datetime, until: dt.datetime) -> list[Collected]:
    return run_collector(KEY, since, until)


@pytest.fixture
def advisory(tmp_path, settings):
    """foo's fix 1.0-2 (high: 30 days) was published by a DSA on 10 June 2026."""
    settings.ART28_SLA_DAYS = {"critical": 7, "high": 30, "medium": 90, "low": 180}
    tracker = {"foo": {CVE: {"releases": {RELEASE: {"status": "resolved", "fixed_version": "1.0-2",
                                                    "urgency": "high"}}}}}  # fmt: skip
    advisories_import(write_json(tmp_path / "t.json", tracker), format="debian-tracker", actor=ACTOR)
    events = [{"introduced": "0"}, {"fixed": "1.0-2"}]
    osv = {"id": "DSA-6100-1", "aliases": [CVE], "published": "2026-06-10T00:00:00Z",
           "affected": [{"package": {"ecosystem": "Debian:12", "name": "foo"},
                         "ranges": [{"type": "ECOSYSTEM", "events": events}]}]}  # fmt: skip
    advisories_import(write_json(tmp_path / "osv.json", osv), format="osv", actor=ACTOR)
    return tmp_path


@pytest.fixture
def history(advisory, make_user):
    """vm-a fixed in 10 days (June); vm-b in 70 (19 August: late), open past due at July's end; vm-c never
    fixed, its risk accepted on 15 August until the year's end; vm-d got foo on 5 July (its clock starts
    then) and fixed it on 2 August, in 28 days."""
    import_hosts(advisory, ["vm-a", "vm-b", "vm-c", "vm-d"])
    snapshot(advisory, ["vm-a", "vm-b", "vm-c"], "1.0-1", utc(6, 1))
    snapshot(advisory, ["vm-a"], "1.0-2", utc(6, 20))
    snapshot(advisory, ["vm-d"], "1.0-1", utc(7, 5))
    snapshot(advisory, ["vm-d"], "1.0-3", utc(8, 2))
    snapshot(advisory, ["vm-b"], "1.0-2", utc(8, 19))
    owner = make_user("carla.rossi@example-hosting.ch", Role.OPERATIONS)
    with mock.patch("django.utils.timezone.now", return_value=utc(8, 15, 9)):
        patch_exception_grant(actor=ACTOR, cve=CVE, owner=owner, reason=REASON, expires_on=dt.date(2026, 12, 31),
                              host="vm-c")  # fmt: skip
    return advisory


def test_the_collector_is_registered():
    registered = {c.key: c for c in collectors()}
    assert registered[KEY].controls == ("tom-d-patching",) and registered[KEY].valid_days == 35


def test_each_month_has_its_fixes_time_to_patch_and_the_exposures_past_due_at_its_end(history):
    items = {i.key: i for i in collect(month_start(7), month_start(10))}
    assert list(items) == ["2026-06", "2026-07", "2026-08"]

    june = items["2026-06"]
    assert june.effective_at == month_start(7) and june.passed
    assert june.data["fixes"]["high"] == {
        "severity": "high",
        "remediations": 1,
        "median_days": 10.0,
        "p95_days": 10.0,
        "within_service_level": 1.0,
        "service_level_days": 30,
        "within": 1,
        "late": 0,
    }
    assert (june.data["fixes_installed"], june.data["fixes_late"], june.data["open_past_due"]) == (1, 0, 0)

    july = items["2026-07"]  # due on 10 July: vm-b and vm-c were still exposed at the month's end
    assert not july.passed and july.data["fixes_installed"] == 0
    assert july.data["open_past_due_by_severity"] == {"critical": 0, "high": 2, "medium": 0, "low": 0}
    assert (
        july.title == "Security updates in 2026-07: 0 fixes installed, 0 late; 2 exposures past due at the month's end"
    )

    august = items["2026-08"]  # vm-b late (70 days), vm-d in time; vm-c's risk accepted then
    assert not august.passed
    assert (august.data["fixes"]["high"]["remediations"], august.data["fixes"]["high"]["late"]) == (2, 1)
    assert august.data["fixes"]["high"]["median_days"] == 49.0 and august.data["open_past_due"] == 0
    assert august.data["service_levels_days"] == {"critical": 7, "high": 30, "medium": 90, "low": 180}
    assert august.data["as_of"] == "2026-08-31T22:00:00.000000+00:00"


def test_an_exception_counts_only_from_when_it_was_granted_and_a_clean_month_passes(history):
    (september,) = collect(month_start(10), month_start(11))
    assert september.passed and september.data["open_past_due"] == 0  # vm-c's exception in force
    (july,) = collect(month_start(8), month_start(9))
    assert july.data["open_past_due"] == 2  # granted on 15 August: not in force at July's end


def test_a_host_retired_before_the_months_end_is_not_exposed_then(advisory):
    """vm-e never fixed foo but left the fleet (an inventory sync without it) on 20 July: July's end and
    after count nothing for it; vm-f, still there, counts."""
    from art28.inventory.importers import import_inventory

    import_hosts(advisory, ["vm-e", "vm-f"])
    snapshot(advisory, ["vm-e", "vm-f"], "1.0-1", utc(6, 1))
    folder = advisory / "inventory"
    (folder / "assets.csv").write_text("ref,kind,site,parent,service\nvm-f,vm,GVA1,,Web hosting\n", "utf-8")
    with mock.patch("django.utils.timezone.now", return_value=utc(7, 20)):
        import_inventory(folder, actor=ACTOR, sync=True, force=True)
    items = collect(month_start(7), month_start(10))
    assert [i.data["open_past_due"] for i in items] == [0, 1, 1]  # June: not due yet; July, August: vm-f only


def test_the_window_takes_the_month_ending_at_since_and_not_the_one_ending_at_until(history):
    assert [i.key for i in collect(month_start(7), month_start(8))] == ["2026-06"]
    assert collect(month_start(7) + dt.timedelta(microseconds=1), month_start(8)) == []
    assert [i.key for i in collect(month_start(8) - dt.timedelta(microseconds=1), month_start(8) + dt.timedelta(
        microseconds=1))] == ["2026-07"]  # fmt: skip


def test_items_are_stable_and_name_no_one(history):
    window = (month_start(1), timezone.now())
    first = collect(*window)
    assert collect(*window) == first and len({i.key for i in first}) == len(first) == 12
    text = json.dumps([i.data for i in first]) + "".join(i.title for i in first)
    for personal in (REASON, "Carla", "carla.rossi@example-hosting.ch"):
        assert personal not in text


def test_two_queries_however_many_hosts_fixes_and_months(advisory, django_assert_max_num_queries):
    hosts = [f"vm-{n:03d}" for n in range(60)]
    import_hosts(advisory, hosts)
    snapshot(advisory, hosts, "1.0-1", utc(6, 1))
    snapshot(advisory, hosts[:20], "1.0-2", utc(6, 25))
    snapshot(advisory, hosts[20:40], "1.0-2", utc(7, 30))
    with django_assert_max_num_queries(2):
        items = {i.key: i for i in collect(month_start(7), month_start(12))}
    assert [i.data["fixes_installed"] for i in items.values()] == [20, 20, 0, 0, 0]
    assert items["2026-06"].data["fixes_late"] == 0 and items["2026-06"].data["open_past_due"] == 0  # due 10 July
    assert items["2026-07"].data["fixes_late"] == 20 and items["2026-07"].data["open_past_due"] == 20
    assert items["2026-08"].data["open_past_due_by_severity"]["high"] == 20


def test_the_evidence_engine_stores_each_month_once(history):
    from art28.evidence.collection import evidence_collect
    from art28.evidence.models import Evidence

    for _twice in range(2):
        report = evidence_collect(actor=ACTOR, since=month_start(7), until=month_start(10), only=[KEY])
        assert not report.errors
    stored = Evidence.objects.filter(collector=KEY).order_by("effective_at")
    assert [(e.key, e.passed, e.valid_until) for e in stored] == [
        ("2026-06", True, dt.date(2026, 8, 5)),
        ("2026-07", False, dt.date(2026, 9, 5)),
        ("2026-08", False, dt.date(2026, 10, 6)),
    ]

"""The assurance evidence collectors (S2 from S6): intrusion tests completed (GDPR Art. 32(1)(d), the page's
"at least once a year"), the monthly remediation of their findings rebuilt from the audit trail, and the
isolation probe runs (Art. 32(1)(b)). Each built through the app's own importer and services."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone

from art28.assurance.findings import affected_status_set, retest_record
from art28.assurance.models import Campaign, Finding, IsolationRun, ServiceCadence
from art28.assurance.pentests import CampaignOptions, campaign_report_attach, pentest_import
from art28.assurance.probe_suite import Pair, Probe, Suite
from art28.assurance.probes import Met, PairResult, isolation_run_record
from art28.core.evidence import Collected, collectors
from art28.core.roles import Role
from art28.inventory.models import Asset, Service
from tests.assurance.conftest import PDF
from tests.conftest import TEST_ACTOR, run_collector

pytestmark = pytest.mark.django_db
HEADER = "ref,title,severity_vector,assets,description,recommendation\n"
VECTORS = {
    "critical": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # 9.8
    "high": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",  # 7.5
    "medium": "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N",  # 6.4
    "low": "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N",  # 3.1
}
REASON = "Agreed with Bruno Beispiel (bruno@example-hosting.ch) until the customer migrates."


def local(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def at_moment(moment: dt.datetime):
    """The application's clock at ``moment`` (services, audit entries, auto_now fields)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def collect(key: str, since: dt.datetime, until: dt.datetime) -> list[Collected]:
    return run_collector(key, since, until)


@pytest.fixture(autouse=True)
def _levels(settings):
    settings.ART28_SLA_DAYS = {"critical": 7, "high": 30, "medium": 90, "low": 180}
    settings.ART28_PENTEST_CADENCE_MONTHS = 12


@pytest.fixture
def services():
    web, mail = Service.objects.create(name="Web hosting"), Service.objects.create(name="Mail")
    for ref in ("web-01", "web-02", "web-03"):
        Asset.objects.create(ref=ref, kind="vm", service=web)
    Asset.objects.create(ref="mx-01", kind="vm", service=mail)
    return {"web": web, "mail": mail}


def import_campaign(tmp_path: Path, ref: str, service: str, completed: dt.date, findings: list[tuple[str, str, str]],
                    *, tester: str = "Alpine Security AG", independent: bool = True) -> Campaign:  # fmt: skip
    """``findings``: (ref, severity, assets ';'-separated), through the CSV import."""
    rows = "".join(f"{r},Finding {r},{VECTORS[severity]},{assets},,\n" for r, severity, assets in findings)
    path = tmp_path / f"{ref}.csv"
    path.write_text(HEADER + rows, "utf-8")
    options = CampaignOptions(service, "external", tester, independent, completed - dt.timedelta(days=10), completed)
    pentest_import(ref, path, format="csv", actor=TEST_ACTOR, options=options)
    return Campaign.objects.get(ref=ref)


def test_the_collectors_are_registered_with_their_controls():
    registered = {c.key: c for c in collectors()}
    assert registered["assurance.intrusion_test"].controls == ("tom-d-pentest",)
    assert registered["assurance.finding_remediation"].controls == ("tom-d-pentest",)
    assert registered["assurance.finding_remediation"].valid_days == 35
    assert registered["assurance.isolation_run"].controls == ("tom-b-tenant-isolation",)
    assert registered["assurance.isolation_run"].valid_days == 2


# ---------------------------------------------------------------------------------------------------------
# Intrusion tests


def test_a_campaign_is_evidence_of_its_completion_day_valid_until_its_services_next_test(tmp_path, services):
    """Art. 32(1)(d), the page's yearly test: the item is dated on the completion day, holds until the
    cadence's next test (12 months, or the service's own), with the findings as reported and the report's hash."""
    ServiceCadence.objects.create(service=services["mail"], months=6)
    findings = [("W-1", "high", "web-01;web-02"), ("W-2", "low", "web-01"), ("W-3", "high", "web-03")]
    web = import_campaign(tmp_path, "PT-2026-03-WEB", "Web hosting", dt.date(2026, 3, 20), findings)
    campaign_report_attach(actor=TEST_ACTOR, campaign=web, content=PDF, name="alpine-2026-03.pdf")
    import_campaign(tmp_path, "PT-2026-03-MAIL", "Mail", dt.date(2026, 3, 31), [("M-1", "critical", "mx-01")],
                    tester="Example Hosting red team", independent=False)  # fmt: skip

    items = collect("assurance.intrusion_test", local(dt.date(2026, 3, 1)), local(dt.date(2026, 4, 1)))
    assert [i.key for i in items] == ["PT-2026-03-WEB", "PT-2026-03-MAIL"]
    web_item, mail_item = items
    # Imported today, completed in March: it counts from its completion day.
    assert web_item.effective_at == local(dt.date(2026, 3, 20))
    assert web_item.data == {
        "campaign": "PT-2026-03-WEB",
        "service": "Web hosting",
        "kind": "external",
        "tester": "Alpine Security AG",
        "independent": True,
        "started_on": "2026-03-10",
        "completed_on": "2026-03-20",
        "findings_reported": 3,
        "findings_by_severity": {"critical": 0, "high": 2, "medium": 0, "low": 1, "none": 0},
        "report_sha256": hashlib.sha256(PDF).hexdigest(),
        "cadence_months": 12,
        "next_test_due": "2027-03-20",
    }
    assert web_item.valid_until == dt.date(2027, 3, 20) and web_item.passed
    assert web_item.title == "Intrusion test PT-2026-03-WEB of Web hosting, completed 2026-03-20: 3 findings"
    assert (mail_item.data["independent"], mail_item.data["report_sha256"]) == (False, None)
    assert mail_item.valid_until == dt.date(2026, 9, 30)  # six months, 31 March + 6 = 30 September


def test_a_campaign_not_completed_is_no_evidence_and_its_findings_state_today_does_not_change_it(tmp_path, services):
    import_campaign(tmp_path, "PT-A", "Web hosting", dt.date(2026, 2, 2), [("A-1", "high", "web-01")])
    pentest_import("PT-OPEN", _write(tmp_path, "open.csv", f"O-1,Open,{VECTORS['low']},web-01,,\n"), format="csv",
                   actor=TEST_ACTOR, options=CampaignOptions("Web hosting", "internal", "Alpine"))  # fmt: skip
    window = (local(dt.date(2026, 1, 1)), timezone.now())
    before = collect("assurance.intrusion_test", *window)
    affected_status_set(actor=TEST_ACTOR, finding=Finding.objects.get(ref="A-1"), asset_ref="web-01", status="fixed")
    assert [i.key for i in before] == ["PT-A"] and collect("assurance.intrusion_test", *window) == before


def _write(tmp_path: Path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, "utf-8")
    return path


def test_a_campaign_recorded_on_its_completion_day_counts_from_that_moment_and_the_window_is_exact(tmp_path, services):
    """Recorded complete at 15:00 on its day: a collection at noon that day (window ending then) has not
    seen it, and the next window, from noon, must find it; a window ending at 15:00 excludes it."""
    moment = local(dt.date(2026, 5, 12), 15)
    with at_moment(moment):
        import_campaign(tmp_path, "PT-SAME-DAY", "Web hosting", dt.date(2026, 5, 12), [("S-1", "low", "web-01")])
    noon = local(dt.date(2026, 5, 12), 12)
    assert collect("assurance.intrusion_test", local(dt.date(2026, 5, 1)), noon) == []
    (item,) = collect("assurance.intrusion_test", noon, local(dt.date(2026, 5, 13)))
    assert item.effective_at == moment
    assert collect("assurance.intrusion_test", noon, moment) == []
    assert [i.key for i in collect("assurance.intrusion_test", moment, moment + dt.timedelta(microseconds=1))] == [
        "PT-SAME-DAY"
    ]


def test_intrusion_test_window_boundaries_on_completion_days(tmp_path, services):
    import_campaign(tmp_path, "PT-1", "Web hosting", dt.date(2026, 6, 1), [("X-1", "low", "web-01")])
    import_campaign(tmp_path, "PT-2", "Mail", dt.date(2026, 7, 1), [("Y-1", "low", "mx-01")])
    june, july = local(dt.date(2026, 6, 1)), local(dt.date(2026, 7, 1))
    assert [i.key for i in collect("assurance.intrusion_test", june, july)] == ["PT-1"]  # since in, until out
    assert [i.key for i in collect("assurance.intrusion_test", july, local(dt.date(2026, 7, 2)))] == ["PT-2"]


def test_intrusion_tests_cost_one_query_however_many(tmp_path, services, django_assert_max_num_queries):
    for month in range(1, 11):
        findings = [(f"F-{n}", "medium", "web-01;web-02") for n in range(month)]
        import_campaign(tmp_path, f"PT-{month:02d}", "Web hosting", dt.date(2026, month, 5), findings)
    with django_assert_max_num_queries(1):
        items = collect("assurance.intrusion_test", local(dt.date(2026, 1, 1)), local(dt.date(2026, 11, 1)))
    assert [i.data["findings_reported"] for i in items] == list(range(1, 11))
    again = collect("assurance.intrusion_test", local(dt.date(2026, 1, 1)), local(dt.date(2026, 11, 1)))
    assert [i.key for i in again] == [i.key for i in items]


# ---------------------------------------------------------------------------------------------------------
# Finding remediation


@pytest.fixture
def remediation(tmp_path, services, make_user):
    """A campaign completed on 15 September 2026. The critical C-1 is due on 22 September, retested fixed on
    the 20th; the high H-1 … H-7 are due on 15 October:

    H-1  retested fixed on 10 October (recorded today)        fixed at October's end
    H-2  left open until today, when it was set fixed          open past due at October's end
    H-3  set fixed on 20 October                               fixed
    H-4  risk accepted on 5 October until 31 October           open: the acceptance expired
    H-5  risk accepted on 5 October until 31 January 2027      risk accepted
    H-6  set false positive on 20 October                      false positive
    H-7  two assets; the retest of 12 October fixed only one   open past due
    The medium M-1 is due on 14 December, the low L-1 in March 2027: in no month asked."""
    owner = make_user("bruno@example-hosting.ch", Role.SECURITY)
    rows = [("C-1", "critical", "web-01")] + [(f"H-{n}", "high", "web-01") for n in range(1, 7)]
    rows += [("H-7", "high", "web-01;web-02"), ("M-1", "medium", "web-03"), ("L-1", "low", "web-03")]
    import_campaign(tmp_path, "PT-2026-09", "Web hosting", dt.date(2026, 9, 15), rows)
    f = {finding.ref: finding for finding in Finding.objects.all()}

    def retest(ref: str, day: dt.date, outcomes: dict[str, str]) -> None:
        retest_record(actor=TEST_ACTOR, finding=f[ref], tested_on=day, tester="Alpine Security AG", outcomes=outcomes)

    def status(ref: str, moment: dt.datetime | None, value: str, until: dt.date | None = None) -> None:
        extra = {"owner": owner, "reason": REASON, "accepted_until": until} if until else {}
        with at_moment(moment or timezone.now()):
            affected_status_set(actor=TEST_ACTOR, finding=f[ref], asset_ref="web-01", status=value, **extra)

    retest("C-1", dt.date(2026, 9, 20), {"web-01": "fixed"})
    retest("H-1", dt.date(2026, 10, 10), {"web-01": "fixed"})
    status("H-2", None, "fixed")
    status("H-3", local(dt.date(2026, 10, 20), 9), "fixed")
    status("H-4", local(dt.date(2026, 10, 5), 9), "risk-accepted", dt.date(2026, 10, 31))
    status("H-5", local(dt.date(2026, 10, 5), 9), "risk-accepted", dt.date(2027, 1, 31))
    status("H-6", local(dt.date(2026, 10, 20), 9), "false-positive")
    retest("H-7", dt.date(2026, 10, 12), {"web-01": "fixed", "web-02": "not-fixed"})
    return f


def test_art32_1_d_each_month_says_what_became_of_the_findings_due_in_it_as_of_its_end(remediation):
    (september,) = collect("assurance.finding_remediation", local(dt.date(2026, 10, 1)), local(dt.date(2026, 11, 1)))
    assert september.key == "2026-09" and september.effective_at == local(dt.date(2026, 10, 1))
    assert september.passed and september.data["findings_due"] == 1 and september.data["fixed"] == 1

    (october,) = collect("assurance.finding_remediation", local(dt.date(2026, 11, 1)), local(dt.date(2026, 12, 1)))
    assert october.key == "2026-10" and october.effective_at == local(dt.date(2026, 11, 1))
    assert not october.passed
    assert october.data == {
        "month": "2026-10",
        "as_of": "2026-10-31T23:00:00.000000+00:00",
        "service_levels_days": {"critical": 7, "high": 30, "medium": 90, "low": 180},
        "findings_due": 7,
        "fixed": 2,
        "risk_accepted": 1,
        "false_positive": 1,
        "open_past_due": 3,
        "by_severity": {"high": {"open": 3, "fixed": 2, "risk-accepted": 1, "false-positive": 1}},
        "open_past_due_findings": ["PT-2026-09/H-2", "PT-2026-09/H-4", "PT-2026-09/H-7"],
    }
    assert october.title == "Intrusion-test findings due in 2026-10: 7 findings, 3 open past due at the month's end"


def test_a_month_with_nothing_due_passes_and_months_are_only_those_ending_in_the_window(remediation):
    items = collect("assurance.finding_remediation", local(dt.date(2026, 10, 1)), local(dt.date(2026, 12, 1)))
    assert [i.key for i in items] == ["2026-09", "2026-10"]  # September ends at `since`: in; November at `until`: out
    (november,) = collect("assurance.finding_remediation", local(dt.date(2026, 12, 1)), timezone.now())
    assert (november.key, november.data["findings_due"], november.passed) == ("2026-11", 0, True)
    assert collect("assurance.finding_remediation", local(dt.date(2026, 10, 1)), local(dt.date(2026, 10, 1), 0, 1))


def test_remediation_items_are_stable_and_name_no_one(remediation, django_assert_max_num_queries):
    window = (local(dt.date(2026, 1, 1)), timezone.now())
    with django_assert_max_num_queries(3):
        first = collect("assurance.finding_remediation", *window)
    assert [i.key for i in first] == ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]  # December ends at `since`
    assert collect("assurance.finding_remediation", *window) == first
    text = json.dumps([i.data for i in first]) + "".join(i.title for i in first)
    for personal in (REASON, "Bruno", "bruno@example-hosting.ch", "Finding H-"):
        assert personal not in text


def test_the_query_count_does_not_grow_with_findings_or_changes(tmp_path, services, django_assert_max_num_queries):
    rows = [(f"F-{n:03d}", "high", "web-01;web-02;web-03") for n in range(60)]
    import_campaign(tmp_path, "PT-BIG", "Web hosting", dt.date(2026, 9, 15), rows)
    for finding in Finding.objects.all()[:30]:
        retest_record(actor=TEST_ACTOR, finding=finding, tested_on=dt.date(2026, 10, 1), tester="Alpine",
                      outcomes={"web-01": "fixed", "web-02": "fixed", "web-03": "partly"})  # fmt: skip
    with django_assert_max_num_queries(3):
        (october,) = collect("assurance.finding_remediation", local(dt.date(2026, 11, 1)), local(dt.date(2026, 12, 1)))
    assert (october.data["findings_due"], october.data["open_past_due"]) == (60, 60)


# ---------------------------------------------------------------------------------------------------------
# Isolation runs


def stored_run(tmp_path: Path, finished: dt.datetime, outcomes: list[tuple[str, bool | None, bool]], *,
               sign: bool = False) -> IsolationRun:  # fmt: skip
    """A run whose pairs met (target, attack worked, control worked), recorded by the real recorder, finishing
    at ``finished`` after five minutes."""
    path = tmp_path / "suite.yaml"
    path.write_text("suite: nightly\npairs: []\n")
    probe = Probe("tcp", {"host": "127.0.0.1", "port": 9})
    results = [
        PairResult(Pair(f"pair {n}", "tcp", probe, probe, "ACME", target, []), Met(attack, ""), Met(control, ""), 0.1)
        for n, (target, attack, control) in enumerate(outcomes)
    ]
    suite = Suite("nightly", path, 1.0, [r.pair for r in results])
    with at_moment(finished):
        return isolation_run_record(actor=TEST_ACTOR, suite=suite, results=results,
                                    started_at=finished - dt.timedelta(minutes=5), sign=sign)  # fmt: skip


def test_art32_1_b_an_isolated_run_is_evidence_of_that_night_and_its_signed_statement_is_hashed(tmp_path, signing_key):
    finished = local(dt.date(2026, 4, 2), 2, 10)
    run = stored_run(tmp_path, finished, [("BETA", False, True), ("ACME", False, True)], sign=True)
    (item,) = collect("assurance.isolation_run", local(dt.date(2026, 4, 2)), local(dt.date(2026, 4, 3)))
    assert item.key == str(run.pk) and item.effective_at == finished and item.passed
    assert item.data == {
        "run": run.pk,
        "suite": "nightly",
        "suite_sha256": run.suite_sha256,
        "started_at": "2026-04-02T00:05:00.000000+00:00",
        "finished_at": "2026-04-02T00:10:00.000000+00:00",
        "pairs": 2,
        "isolated": 2,
        "breach": 0,
        "inconclusive": 0,
        "signed": True,
        "signed_sha256": hashlib.sha256(run.signed.encode()).hexdigest(),
        "key_id": json.loads(run.signed)["key_id"],
    }
    assert item.attachment == (f"isolation-run-{run.pk}.json", run.signed.encode())  # checkable offline
    assert item.valid_until is None  # the collector's two days: runs are nightly
    assert item.title == "Isolation run of nightly: 2 isolated, 0 inconclusive, 0 breaches"


@pytest.mark.parametrize(
    ("outcomes", "passed"),
    [
        ([("BETA", False, True)], True),
        ([("BETA", False, True), ("ACME", True, True)], False),  # a breach
        ([("BETA", False, True), ("ACME", False, False)], False),  # a failed control: inconclusive, never a pass
        ([], False),  # nothing proved
    ],
)
def test_a_run_fails_on_any_breach_or_inconclusive_pair_or_when_it_proved_nothing(tmp_path, outcomes, passed):
    stored_run(tmp_path, local(dt.date(2026, 4, 3), 2), outcomes)
    (item,) = collect("assurance.isolation_run", local(dt.date(2026, 4, 3)), local(dt.date(2026, 4, 4)))
    assert item.passed is passed and item.data["signed"] is False and item.data["signed_sha256"] is None
    assert item.attachment is None


def test_isolation_runs_window_boundaries_are_exact_and_one_query_however_many(tmp_path, django_assert_max_num_queries):
    nights = [local(dt.date(2026, 5, 1) + dt.timedelta(days=n), 2) for n in range(20)]
    for night in nights:
        stored_run(tmp_path, night, [("BETA", False, True)])
    with django_assert_max_num_queries(1):
        items = collect("assurance.isolation_run", nights[0], nights[10])
    assert [i.effective_at for i in items] == nights[:10]  # the run at `since` is in, the one at `until` out
    assert [i.key for i in collect("assurance.isolation_run", nights[0], nights[10])] == [i.key for i in items]
    assert collect("assurance.isolation_run", nights[0] + dt.timedelta(microseconds=1), nights[1]) == []


def test_the_evidence_engine_stores_every_assurance_item_once(tmp_path, remediation, signing_key):
    from art28.evidence.collection import evidence_collect
    from art28.evidence.models import Evidence

    run = stored_run(tmp_path, local(dt.date(2026, 11, 20), 2), [("BETA", False, True)], sign=True)
    keys = ["assurance.intrusion_test", "assurance.finding_remediation", "assurance.isolation_run"]
    for _twice in range(2):
        report = evidence_collect(actor=TEST_ACTOR, since=local(dt.date(2026, 1, 1)), until=timezone.now(), only=keys)
        assert not report.errors
    stored = {(e.collector, e.key): e for e in Evidence.objects.all()}
    assert stored["assurance.intrusion_test", "PT-2026-09"].valid_until == dt.date(2027, 9, 15)
    assert stored["assurance.finding_remediation", "2026-10"].passed is False
    assert len([k for k in stored if k[0] == "assurance.finding_remediation"]) == 12  # 2025-12 … 2026-11
    signed = stored["assurance.isolation_run", str(run.pk)]
    assert (bytes(signed.file), signed.file_name) == (run.signed.encode(), f"isolation-run-{run.pk}.json")

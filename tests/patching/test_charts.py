"""The security-update charts (docs/patching.md, "Charts"): exposure over time counted from each host's
package history against today's advisories, and time-to-patch per severity per month."""

from __future__ import annotations

import datetime as dt

import pytest

from art28.patching.charts import exposure_history, last_months, time_to_patch_chart
from art28.patching.figures import patch_record
from tests.patching.test_time_to_patch import at, fleet, snapshot  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 8, 1, 12, tzinfo=dt.UTC)  # the weekly points fall at noon, between the events


def weekly(history: dict[str, list[int]], severity: str) -> dict[str, int]:
    """The series keyed by each point's date (the last point is NOW)."""
    series = history[severity]
    return {
        (NOW - dt.timedelta(days=7 * (len(series) - 1 - i))).strftime("%m-%d"): count for i, count in enumerate(series)
    }


def test_a_host_counts_as_exposed_from_the_later_of_its_version_and_the_cve_until_its_upgrade(fleet):  # noqa: F811
    snapshot(fleet, "vm-a", "1.0-1", at(6, 1))  # the CVE was published on 10 June: exposed from then
    snapshot(fleet, "vm-a", "1.0-2", at(6, 17))  # fixed on 17 June
    snapshot(fleet, "vm-b", "1.0-1", at(7, 1))  # exposed from 1 July, still
    snapshot(fleet, "vm-c", "1.0-1", at(5, 1), release="trixie")  # the advisory is bookworm's
    high = weekly(exposure_history(weeks=52, now=NOW), "high")
    assert len(high) == 53
    assert (high["06-06"], high["06-13"], high["06-20"], high["06-27"], high["07-04"], high["08-01"]) == (
        0,
        1,
        0,
        0,
        1,
        1,
    )
    assert sum(high.values()) == 6  # 13 June, then 4, 11, 18, 25 July and 1 August
    assert not any(exposure_history(weeks=52, now=NOW)["critical"])


def test_the_last_point_is_the_exposures_open_now(fleet):  # noqa: F811
    snapshot(fleet, "vm-a", "1.0-1", at(6, 1))
    snapshot(fleet, "vm-b", "1.0-1", at(7, 1))
    assert exposure_history(weeks=4)["high"][-1] == 2


def test_an_exposure_that_began_before_the_window_counts_from_its_first_point(fleet):  # noqa: F811
    snapshot(fleet, "vm-a", "1.0-1", at(6, 1))
    history = exposure_history(weeks=2, now=NOW)
    assert history["high"] == [1, 1, 1]


def test_last_months_cross_the_year():
    assert last_months(dt.datetime(2026, 2, 15, tzinfo=dt.UTC), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_the_time_to_patch_chart_has_a_bar_per_month_with_fixes_at_the_median_and_the_sla_line(fleet):  # noqa: F811
    snapshot(fleet, "vm-a", "1.0-1", at(6, 1))
    snapshot(fleet, "vm-a", "1.0-2", at(6, 20))  # 10 days
    snapshot(fleet, "vm-b", "1.0-1", at(6, 1))
    snapshot(fleet, "vm-b", "1.0-2", at(8, 19))  # 70 days
    record = patch_record(months=12)
    chart = time_to_patch_chart(record)
    high = next(panel for panel in chart.panels if panel.severity == "high")
    assert [(bar.month, bar.figures.median_days) for bar in high.bars] == [("2026-06", 10.0), ("2026-08", 70.0)]
    assert high.sla_days == 30 and high.summary == "50% within 30 days"
    # Taller bars for longer times; the 30-day line sits between the two medians.
    june, august = high.bars
    assert august.height > june.height and august.median_y < high.sla_y < june.median_y
    assert not next(panel for panel in chart.panels if panel.severity == "critical").bars
    assert not chart.empty


def test_the_trust_center_page_shows_the_fleet_figures_and_links_the_signed_json(client, fleet):  # noqa: F811
    snapshot(fleet, "vm-a", "1.0-1", at(6, 1))
    snapshot(fleet, "vm-a", "1.0-2", at(6, 20))
    html = client.get("/en/trust/security-updates/").content.decode()
    assert 'data-severity="high"' in html and "10.0" in html
    assert 'href="/trust/patching.json"' in html
    assert "/en/trust/security-updates/" in client.get("/en/trust/").content.decode()


def test_with_no_fix_installed_the_pages_say_so(client, db):
    html = client.get("/en/trust/security-updates/").content.decode()
    assert "No security fix has been installed in this period yet." in html

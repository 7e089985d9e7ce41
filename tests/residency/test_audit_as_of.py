"""The residency audit "as of" a past moment (issue 12): ``?at=`` on the staff page, its JSON download and
the API, answered from the inventory's history; a bad or too early moment is a 400 that says why."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.inventory.models import Flow, InventorySync, Placement
from art28.residency.engine import SUBPROCESSOR_OUTSIDE, run_audit
from art28.residency.moment import as_of
from art28.subprocessors.services import subprocessor_create, subprocessor_update
from tests.conftest import TEST_ACTOR
from tests.residency.history import build_history

pytestmark = pytest.mark.django_db
URL = "/staff/residency/audit/"
API = "/api/v1/residency/audit"
# The support access to France from BETA's VM (and ACME's volume below it): the second sync ended it.
FRANCE = {("BETA", "gva1-vm-12", "flow-outside", "FR"), ("ACME", "gva1-vol-7", "flow-outside", "FR")}


@pytest.fixture
def history(tmp_path, monkeypatch, settings):
    return build_history(tmp_path, monkeypatch, settings)


def findings(response) -> set[tuple[str, str | None, str, str | None]]:
    return {(v.customer, v.asset, v.reason, v.destination) for v, _label in response.context["rows"]}


def test_as_of_before_the_sync_the_page_shows_the_finding_it_removed_and_says_so(staff_client, history):
    now = staff_client.get(URL)
    assert now.status_code == 200 and not FRANCE & findings(now)
    assert "As of" not in now.content.decode().split("<h2")[0]

    then = staff_client.get(URL, {"at": history.first.isoformat()})
    assert then.status_code == 200
    assert findings(then) >= FRANCE
    html = then.content.decode()
    assert 'id="as-of"' in html and "the inventory as it was then (from its history)" in html

    # The day picked in the form means the end of that day: still before yesterday's sync.
    assert findings(staff_client.get(URL, {"at": history.first_day})) >= FRANCE
    # From the second sync on, the flow no longer exists.
    assert not FRANCE & findings(staff_client.get(URL, {"at": history.second.isoformat()}))
    # And the page now is still the inventory now (the copies of the past are gone).
    assert findings(staff_client.get(URL)) == findings(now)


def test_the_drill_down_links_and_the_download_keep_the_moment(staff_client, history):
    html = staff_client.get(URL, {"at": history.first_day}).content.decode()
    keep = f"?at={history.first_day}&amp;"
    assert f'href="{keep}reason=flow-outside"' in html
    assert f'href="{keep}customer=BETA"' in html
    assert f'href="{keep}group=' in html
    assert f'href="{keep}country=FR"' in html  # the bar of the chart by country
    assert f'value="{history.first_day}"' in html  # the form keeps it too

    drilled = staff_client.get(URL, {"at": history.first_day, "country": "FR"})
    assert findings(drilled) == FRANCE
    download = staff_client.get(URL, {"at": history.first_day, "country": "FR", "format": "json"})
    assert f"residency-audit-{history.first_day.replace('-', '')}T2359.json" in download["Content-Disposition"]
    rows = json.loads(b"".join(download.streaming_content))
    assert {(row["customer"], row["asset"], row["reason"], row["destination"]) for row in rows} == FRANCE


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("yesterday", "is not a date (2026-03-14) or a date-time"),
        ("2026-02-30", "is not a date"),
        ("9999-12-31", "is not a date"),
        ("2020-01-01", "history begins on"),
        ("2999-01-01", "is in the future"),
    ],
)
def test_a_bad_moment_is_a_400_with_its_reason_and_changes_nothing(staff_client, history, at, message):
    before = (AuditEntry.objects.count(), Placement.objects.count(), Flow.objects.count())
    response = staff_client.get(URL, {"at": at})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="at-error"' in html and message in html
    assert "summary" not in response.context  # no audit is shown as if it answered the question
    assert (AuditEntry.objects.count(), Placement.objects.count(), Flow.objects.count()) == before

    api = staff_client.get(API, {"at": at})
    assert api.status_code == 400
    assert api.json()["detail"].startswith("at: ") and message in api.json()["detail"]


def test_without_history_any_moment_is_refused_by_name(staff_client):
    assert not InventorySync.objects.exists()
    response = staff_client.get(URL, {"at": "2026-01-01"})
    assert response.status_code == 400
    assert "no history yet" in response.content.decode()


def test_the_api_answers_as_of_a_moment_and_filters_the_same(staff_client, history):
    def rows(**params):
        response = staff_client.get(API, params)
        assert response.status_code == 200
        return {(v["customer"], v["asset"], v["reason"], v["destination"]) for v in response.json()}

    assert rows(at=history.first.isoformat()) >= FRANCE
    assert rows(at=history.first_day, country="FR") == FRANCE
    assert not FRANCE & rows()
    assert rows() == rows(at=history.second.isoformat())  # nothing changed since the second sync


def test_the_openapi_schema_documents_at_and_its_400():
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()
    for path in ["/audit", "/my/placements", "/my/flows", "/my/violations"]:
        operation = schema["paths"]["/api/v1/residency" + path]["get"]
        [parameter] = [p for p in operation["parameters"] if p["name"] == "at"]
        assert "history" in parameter["description"]
        assert "before the inventory's history begins" in operation["responses"]["400"]["description"]


def test_the_page_now_costs_the_same_queries_before_and_after_a_look_at_the_past(staff_client, history):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        staff_client.get(URL)
    staff_client.get(URL, {"at": history.first_day})
    with CaptureQueriesContext(connection) as after:
        staff_client.get(URL)
    assert len(after.captured_queries) == len(before.captured_queries)


def test_as_of_a_sub_processor_is_judged_by_the_countries_it_processed_in_then(history, monkeypatch):
    """The register keeps its history too (issue 12, "as of" rules): a database-care sub-processor that
    processed in the US until a day between the two syncs, and in Switzerland since, is a finding for
    ACME's database as of the first sync, not as of the second, not now."""

    def us_findings(at=None) -> set[tuple[str, str | None]]:
        with as_of(at):
            violations = run_audit(at=at)
        return {(v.customer, v.asset) for v in violations if v.reason == SUBPROCESSOR_OUTSIDE and v.country == "US"}

    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: history.first - dt.timedelta(days=1))
        dbcare = subprocessor_create(
            actor=TEST_ACTOR,
            slug="dbcare",
            legal_name="DB Care Inc.",
            address="1 Main St, Austin TX, USA",
            purpose="Database support",
            countries="US",
            services=["Managed databases"],
            in_use_from=timezone.localdate() - dt.timedelta(days=30),
            transfer_safeguard="SCC",
        )
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: history.first + (history.second - history.first) / 2)
        subprocessor_update(actor=TEST_ACTOR, subprocessor=dbcare, countries="CH")

    assert ("ACME", "zrh1-db-1") in us_findings(history.first)
    assert ("ACME", "zrh1-db-1") not in us_findings(history.second)
    assert ("ACME", "zrh1-db-1") not in us_findings()

"""The residency audit grouped by cause: rule, site/flow/sub-processor and country (S1), on the staff page
and in `art28 residency-audit`."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from art28.residency.engine import run_audit
from art28.residency.grouping import CUSTOMERS_SHOWN, group_violations
from art28.residency.reports import JSON_KEYS
from art28.subprocessors.models import SubProcessor
from tests.residency.fixtures import WORLD_AUDIT
from tests.residency.test_audit_cli import in_audit_order, run_cli

pytestmark = pytest.mark.django_db
URL = "/staff/residency/audit/"

# The world's nine findings come from eight causes: (reason, cause kind, cause, country, rows, customers).
WORLD_GROUPS = [
    ("subprocessor-outside", "subprocessor", "postbote", "US", 2, ["ACME", "GAMMA"]),
    ("flow-outside", "flow", "FR", "FR", 1, ["BETA"]),
    ("flow-outside", "flow", "FRA1", "DE", 1, ["ACME"]),
    ("stored-outside", "site", "FRA1", "DE", 1, ["ACME"]),
    ("subprocessor-unauthorised", "subprocessor", "helvetia-support", None, 1, ["GAMMA"]),
    ("subprocessor-unauthorised", "subprocessor", "postbote", None, 1, ["GAMMA"]),
    ("unknown-location", "site", None, None, 1, ["BETA"]),
    ("unknown-location", "site", "XXX1", None, 1, ["GAMMA"]),
]


def summary(groups):
    return [
        (g.reason, g.cause_kind, g.cause, g.country, g.count, [ref for ref, _ in g.first_customers]) for g in groups
    ]


def test_the_world_groups_by_cause_largest_first(world):
    groups = group_violations(run_audit())
    assert summary(groups) == WORLD_GROUPS
    assert sum(g.count for g in groups) == len(WORLD_AUDIT)
    postbote = groups[0]
    assert postbote.customers == 2
    assert postbote.first_customers == [("ACME", "Acme Sàrl"), ("GAMMA", "Gamma GmbH")]
    assert postbote.title == "Processed by a sub-processor outside the allowed countries"


def test_each_rule_has_its_remedy(world):
    remedies = {(g.reason, g.cause): g.remedy for g in group_violations(run_audit())}
    assert remedies[("stored-outside", "FRA1")] == (
        "Move the data off site FRA1 to a site in an allowed country, or allow Germany (DE) in these customers' "
        "policies."
    )
    assert remedies[("flow-outside", "FR")].startswith("End the flow to FR or redirect it to an allowed country;")
    assert "allow France (FR)" in remedies[("flow-outside", "FR")]
    assert "record a safeguard for the transfer" in remedies[("flow-outside", "FR")]
    assert remedies[("subprocessor-outside", "postbote")].startswith("Stop using postbote for these customers'")
    assert "or allow United States (US) in these customers' policies" in remedies[("subprocessor-outside", "postbote")]
    assert remedies[("subprocessor-unauthorised", "helvetia-support")].startswith(
        "Record these customers' written authorisation for sub-processors (GDPR Art. 28(2)"
    )
    assert remedies[("unknown-location", "XXX1")].startswith("Record the country of site XXX1")
    assert remedies[("unknown-location", None)] == "Record the site of these assets (or of an asset above them)."


def test_two_countries_of_one_cause_are_two_groups(world):
    """A sub-processor in the US and India: two causes (two transfers to end or to ground), not one."""
    SubProcessor.objects.filter(slug="postbote").update(countries="US;IN")
    outside = [g for g in group_violations(run_audit()) if g.reason == "subprocessor-outside"]
    assert [(g.cause, g.country, g.count) for g in outside] == [("postbote", "IN", 2), ("postbote", "US", 2)]


def test_a_group_names_its_first_customers_and_counts_them_all(inventory, make_org):
    inventory.asset("fra-host", site="FRA1")
    for n in range(7):
        inventory.place(make_org(f"C{n}", name=f"Customer number {n}"), "fra-host")
    inventory.refresh()
    with CaptureQueriesContext(connection) as queries:
        (group,) = group_violations(run_audit())
    assert len(queries.captured_queries) == 5  # the engine's four statements, then the names: none per row
    assert (group.count, group.customers) == (7, 7)
    assert len(group.first_customers) == CUSTOMERS_SHOWN
    assert group.first_customers[0] == ("C0", "Customer number 0")


def test_the_page_shows_the_causes_first(staff_client, world):
    response = staff_client.get(URL)
    groups = response.context["groups"]
    assert summary(groups) == WORLD_GROUPS
    html = response.content.decode()
    assert html.index("Findings by cause") < html.index('id="findings"')
    assert "Stop using postbote for these customers" in html
    assert "Acme Sàrl, Gamma GmbH" in html
    # The rows stay reachable below.
    assert [v.asset for v, _label in response.context["rows"]] == [v["asset"] for v in WORLD_AUDIT]


def test_a_group_drills_down_to_its_rows(staff_client, world):
    groups = staff_client.get(URL).context["groups"]
    html = staff_client.get(URL).content.decode()
    key = groups[0].key
    assert f'href="?group={key.replace("|", "%7C")}#findings"' in html
    response = staff_client.get(URL, {"group": key})
    assert [(v.customer, v.asset) for v, _ in response.context["rows"]] == [
        ("ACME", "fra-vol-1"),
        ("GAMMA", "fra-vm-1"),
    ]
    assert response.context["drilled"].key == key
    assert "The findings of one cause" in response.content.decode()
    assert response.context["summary"].total == 9
    # The JSON download keeps the drill-down.
    body = b"".join(staff_client.get(URL, {"group": key, "format": "json"}).streaming_content)
    assert [v["asset"] for v in json.loads(body)] == ["fra-vol-1", "fra-vm-1"]


def test_the_drill_down_is_paginated(staff_client, inventory, org_a):
    inventory.asset("fra-host", site="FRA1")
    for n in range(105):
        inventory.asset(f"fra-vol-{n:03}", parent="fra-host")
        inventory.place(org_a, f"fra-vol-{n:03}")
    inventory.refresh()
    (group,) = staff_client.get(URL).context["groups"]
    assert group.count == 105
    second = staff_client.get(URL, {"group": group.key, "page": 2})
    assert len(second.context["rows"]) == 5


def test_the_page_query_count_is_pinned(staff_client, world):
    staff_client.get(URL)  # the session and the user's first-request writes
    with CaptureQueriesContext(connection) as queries:
        assert staff_client.get(URL).status_code == 200
    assert len(queries.captured_queries) == 8


def test_the_cli_prints_the_causes_by_default(world):
    code, out, _ = run_cli()
    assert code == 1
    for header in ("findings", "customers", "reason", "cause", "country", "remedy"):
        assert header in out
    assert "subprocessor postbote" in out and "site FRA1" in out and "flow FR" in out
    assert "Acme Sàrl, Gamma GmbH" in out
    assert "Every row: --all (table), --json or --csv." in out
    assert "fra-vm-1" not in out  # rows only with --all


def test_the_database_counts_the_same_groups_as_the_rows(world):
    """The CLI's summary counts by cause in SQL (engine.iter_cause_tallies): the same groups, counts,
    customers and summary as grouping the rows in Python, on SQLite and on PostgreSQL."""
    from art28.residency.engine import iter_cause_tallies
    from art28.residency.grouping import group_tallies
    from art28.residency.selectors import audit_summary, summary_of_groups

    violations = run_audit()
    in_sql = group_tallies(iter_cause_tallies())
    assert summary(in_sql) == summary(group_violations(violations)) == WORLD_GROUPS
    assert [g.customers for g in in_sql] == [g.customers for g in group_violations(violations)]
    assert summary_of_groups(in_sql) == audit_summary(violations)


def test_the_cli_summary_does_not_build_the_rows(world, monkeypatch):
    """At 1M placements the summary must not hold 400,000 findings: it reads counts by cause."""
    import art28.residency.management.commands.residency_audit as command

    def no_rows(*args, **kwargs):
        raise AssertionError("the summary read every row")

    monkeypatch.setattr(command, "run_audit", no_rows)
    code, out, _ = run_cli()
    assert code == 1 and "subprocessor postbote" in out
    code, out, _ = run_cli("--reason", "stored-outside")
    assert code == 1 and "site FRA1" in out and "postbote" not in out


def test_the_cli_all_prints_the_rows(world):
    _, out, _ = run_cli("--all")
    assert "fra-vm-1" in out and "orphan-vol-1" in out


def test_the_cli_csv_streams_the_rows(world):
    code, out, _ = run_cli("--csv")
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    as_json = [
        {**row, "allowed": row["allowed"].split(";")}
        | {k: row[k] or None for k in ("asset", "site", "country", "destination")}
        for row in rows
    ]
    assert in_audit_order(as_json) == WORLD_AUDIT


def test_the_cli_csv_with_nothing_is_a_header_and_exit_0(db):
    code, out, _ = run_cli("--csv")
    assert (code, out) == (0, "customer,asset,site,country,allowed,reason,destination\n")


def test_json_and_csv_stream_without_building_the_list(world, monkeypatch):
    """--json and --csv never sort (sorting needs the whole list): they write as the engine reads."""
    import art28.residency.management.commands.residency_audit as command

    def no_list(*args, **kwargs):
        raise AssertionError("run_audit builds the whole list")

    monkeypatch.setattr(command, "run_audit", no_list)
    assert run_cli("--json")[0] == 1
    assert run_cli("--csv")[0] == 1


@pytest.mark.parametrize("text", ["Zürich", 'quote " and \\ backslash', "tab\tnew\nline", "\u2028", "vm[1]"])
def test_the_hand_built_json_is_what_json_dumps_writes(text):
    from art28.residency.reports import json_line

    line = json_line(text, None, text, "CH", ("CH", "LI"), "stored-outside", text)
    fields = dict(zip(JSON_KEYS, (text, None, text, "CH", ["CH", "LI"], "stored-outside", text), strict=True))
    assert line == json.dumps(fields, ensure_ascii=False)

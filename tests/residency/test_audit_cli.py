"""`art28 residency-audit [--json]`: exit 0 when all is well, 1 on violations (S1); docs/residency-audit.md."""

import io
import json

import pytest
from django.core.management import call_command

from art28.residency.management.commands.residency_audit import Command as ResidencyAudit
from art28.residency.reports import JSON_KEYS
from tests.residency.fixtures import WORLD_AUDIT

pytestmark = pytest.mark.django_db
SUMMARY = (
    "9 violations for 3 customers (stored-outside: 1, flow-outside: 2, unknown-location: 2, subprocessor-outside: 2, "
    "subprocessor-unauthorised: 2)"
)


def in_audit_order(objects: list[dict]) -> list[dict]:
    """--json and --csv stream in the engine's order; the documented example is sorted."""
    return sorted(
        objects,
        key=lambda v: (v["customer"], v["asset"] or "", v["reason"], v["destination"] or "", v["country"] or ""),
    )


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("residency_audit", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_exit_0_and_a_clear_message_when_nothing_is_outside(inventory, org_a):
    inventory.asset("gva-host", site="GVA1")
    inventory.place(org_a, "gva-host")
    inventory.refresh()
    code, out, _ = run_cli()
    assert code == 0
    assert "No violations: every placement and flow is within its customer's allowed countries." in out


def test_json_is_an_empty_array_and_exit_0_when_nothing_is_outside(db):
    code, out, _ = run_cli("--json")
    assert (code, json.loads(out)) == (0, [])


def test_exit_1_and_the_exact_json_when_there_are_violations(world):
    code, out, _ = run_cli("--json")
    assert code == 1
    assert in_audit_order(json.loads(out)) == WORLD_AUDIT


def test_every_json_object_has_the_same_seven_keys_in_order(world):
    _, out, _ = run_cli("--json")
    for obj in json.loads(out):
        assert tuple(obj) == JSON_KEYS == ("customer", "asset", "site", "country", "allowed", "reason", "destination")


def test_json_is_written_one_object_per_line(world):
    _, out, _ = run_cli("--json")
    lines = out.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert len(lines) == len(WORLD_AUDIT) + 2
    assert json.loads(lines[1].rstrip(",")) in WORLD_AUDIT


def test_all_lists_each_violation_and_a_summary_line(world):
    code, out, _ = run_cli("--all")
    assert code == 1
    for column in ("customer", "asset", "site", "country", "allowed", "reason", "destination"):
        assert column in out
    assert "orphan-vol-1" in out and "unknown-host-1" in out
    assert SUMMARY in out


def test_customer_filter(world):
    code, out, _ = run_cli("--json", "--customer", "GAMMA")
    assert code == 1
    assert in_audit_order(json.loads(out)) == [v for v in WORLD_AUDIT if v["customer"] == "GAMMA"]


def test_reason_filter(world):
    _, out, _ = run_cli("--json", "--reason", "flow-outside")
    assert sorted(v["destination"] for v in json.loads(out)) == ["FR", "FRA1"]


def test_a_filter_that_leaves_nothing_exits_0(world, make_org):
    make_org("CLEAN")
    code, out, _ = run_cli("--json", "--customer", "CLEAN")
    assert (code, json.loads(out)) == (0, [])


def test_an_unknown_customer_is_a_usage_error_not_a_finding(world, capsys):
    """Exit 2, as `art28 residency-audit --customer NOPE` does from a shell (run_from_argv)."""
    with pytest.raises(SystemExit) as exited:
        ResidencyAudit().run_from_argv(["art28", "residency_audit", "--customer", "NOPE"])
    assert exited.value.code == 2
    assert "no customer with reference 'NOPE'" in capsys.readouterr().err


def test_the_example_in_the_docs_is_exactly_what_the_command_prints(world):
    """docs/residency-audit.md documents the `world` inventory's output byte for byte."""
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "residency-audit.md").read_text(encoding="utf-8")
    documented = text.split("```json\n", 1)[1].split("```", 1)[0]
    printed = run_cli("--json")[1]
    # Streamed in the engine's order; the docs show it sorted. Same lines, byte for byte.
    assert {line.rstrip(",") for line in printed.splitlines()} == {line.rstrip(",") for line in documented.splitlines()}
    assert in_audit_order(json.loads(printed)) == json.loads(documented)
    assert SUMMARY in text

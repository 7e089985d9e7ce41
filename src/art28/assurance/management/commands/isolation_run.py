"""`art28 isolation-run SUITE.yaml [--json] [--sign]`: run an isolation probe suite and store the run (S6;
docs/assurance.md). Each pair is *isolated*, a *breach* or *inconclusive*; a breach prints the link to a
prefilled incident declaration. Exits 1 when any pair is not isolated (a breach or an inconclusive pair:
a refusal whose control failed proves nothing), 0 otherwise; a bad suite file exits 1 with every problem
as ``FILE:LINE: reason`` and runs nothing."""

from __future__ import annotations

import json as jsonlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import timezone

from art28.assurance.models import ProbeOutcome
from art28.assurance.probe_suite import load_suite
from art28.assurance.probes import declaration_query, isolation_run_record, run_suite
from art28.core.cli import USAGE_ERROR, cli_actor, print_refused
from art28.core.problems import InputRefused, Problems
from art28.core.signing import SigningKeyMissing


class Command(BaseCommand):
    help = "Run an isolation probe suite (attack and control pairs); exit 1 unless every pair is isolated."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("suite", type=Path)
        parser.add_argument("--json", action="store_true", help="The run as JSON.")
        parser.add_argument("--sign", action="store_true", help="Sign the run with the attestation key.")

    def handle(self, *args: Any, suite: Path, json: bool, sign: bool, **options: Any) -> None:
        if not suite.is_file():
            raise CommandError(f"{suite}: no such file", returncode=USAGE_ERROR)
        problems = Problems()
        loaded = load_suite(suite, problems)
        if problems or loaded is None:
            print_refused(self, InputRefused(problems))
            return
        started = timezone.now()
        results = run_suite(loaded)
        try:
            run = isolation_run_record(
                actor=cli_actor("isolation-run"), suite=loaded, results=results, started_at=started, sign=sign
            )
        except SigningKeyMissing as exc:
            raise CommandError(f"--sign: {exc}", returncode=USAGE_ERROR) from None
        stored = list(run.results.select_related("run"))
        if json:
            self.stdout.write(jsonlib.dumps(jsonlib.loads(run.signed) if run.signed else {
                "suite": run.suite, "started_at": run.started_at.isoformat(),
                "counts": {"isolated": run.isolated, "breach": run.breaches, "inconclusive": run.inconclusive},
                "pairs": [{"name": r.name, "kind": r.kind, "outcome": r.outcome, "attack": r.attack,
                           "control": r.control} for r in stored],
            }, ensure_ascii=False, indent=1))  # fmt: skip
        else:
            for result in stored:
                self.stdout.write(f"{result.outcome.upper():<13} {result.name}  attack {result.attack}; "
                                  f"control {result.control}")  # fmt: skip
                if result.outcome == ProbeOutcome.BREACH:
                    link = f"{reverse('breaches:declare')}?{declaration_query(result)}"
                    self.stdout.write(f"              declare an incident (a person confirms): {link}")
            self.stdout.write(f"{run.isolated} isolated, {run.breaches} breach(es), {run.inconclusive} inconclusive")
        if run.breaches or run.inconclusive:
            raise SystemExit(1)

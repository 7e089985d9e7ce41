"""Running isolation probes (S6; docs/assurance.md, "Isolation probes"): each pair's attack and control run
concurrently against the real targets, and the pair's outcome follows one rule:

- the attack **succeeded** (A reached B's resource) → *breach*, whatever the control did;
- else the control **failed** (B could not reach its own resource) → *inconclusive*: the refusal proves
  nothing, it is never counted as a pass;
- else the attack was **refused** → *isolated*; an attack neither refused nor successful (an HTTP 500, an
  unexpected error) is *inconclusive* too.

A run is stored with every pair's outcome and what each side met, signed with the attestation key on
request; a breach proposes an incident (a declaration prefilled for staff to confirm, since declaring
starts the breach clocks).
"""

from __future__ import annotations

import hashlib
import math
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import psycopg
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from art28.assurance.models import IsolationRun, ProbeOutcome, ProbeResult
from art28.assurance.probe_suite import DEFAULT_REFUSED_HTTP, Pair, Probe, Suite, resolve
from art28.assurance.tcp_probe import attempt
from art28.core.audit import Actor, audit_record, jsonable
from art28.core.signing import sign_statement

STATEMENT_TYPE = "art28/isolation-run"
IP = shutil.which("ip") or "/usr/sbin/ip"
# PostgreSQL's refusals: invalid authorization (class 28), insufficient privilege (42501), no such database
# (3D000); libpq does not always carry the SQLSTATE of a failed connection, so its message is read too.
PG_REFUSAL_STATES = ("28000", "28P01", "42501", "3D000")
PG_REFUSALS = ("permission denied", "authentication failed", "does not exist", "no pg_hba.conf entry")


@dataclass(frozen=True)
class Met:
    """What one side met: ``worked`` True (the access succeeded), False (refused), None (unclear)."""

    worked: bool | None
    detail: str


def probe_tcp(fields: dict[str, Any], timeout: float) -> Met:
    if fields.get("netns"):
        return probe_tcp_in_namespace(fields, timeout)
    connected, detail = attempt(str(fields["host"]), int(fields["port"]), timeout, fields.get("source") or None)
    return Met(connected, detail)


def probe_tcp_in_namespace(fields: dict[str, Any], timeout: float) -> Met:
    """The connection from inside a network namespace (``ip netns exec``; needs root): the same probe in a
    child process whose network is that namespace's, so a tenant's network position is really its own."""
    target = [str(fields["host"]), str(int(fields["port"])), str(timeout), str(fields.get("source") or "")]
    command = [IP, "netns", "exec", str(fields["netns"]), sys.executable, "-m", "art28.assurance.tcp_probe", *target]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout + 10, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Met(None, f"error: {exc}")
    if done.returncode != 0 or not done.stdout.strip():
        return Met(None, f"error: {(done.stderr.strip() or 'ip netns exec failed').splitlines()[-1][:200]}")
    worked, _, detail = done.stdout.strip().partition(" ")
    return Met({"yes": True, "no": False}.get(worked), detail)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer in itself (often to a login page): never followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def probe_http(fields: dict[str, Any], timeout: float, *, attack: bool) -> Met:
    context = ssl.create_default_context()
    if fields.get("verify_tls") is False:
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=context))
    # The suite's checker allows only http:// and https:// URLs (probe_suite._check_side).
    request = urllib.request.Request(  # noqa: S310
        str(fields["url"]), method=str(fields.get("method", "GET")), headers=dict(fields.get("headers") or {})
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Met(False if attack else None, f"{'refused' if attack else 'failed'}: {reason}")
    if attack:
        refused = [int(s) for s in fields.get("refused_status") or DEFAULT_REFUSED_HTTP]
        if status in refused:
            return Met(False, f"refused: HTTP {status}")
        if 200 <= status < 300:
            return Met(True, f"succeeded: HTTP {status}")
        return Met(None, f"unclear: HTTP {status}")
    expected = fields.get("expect_status")
    worked = status == int(expected) if expected else 200 <= status < 300
    return Met(worked, f"{'succeeded' if worked else 'failed'}: HTTP {status}")


def probe_postgres(fields: dict[str, Any], timeout: float) -> Met:
    try:
        with psycopg.connect(
            str(fields["dsn"]), password=fields.get("password"), connect_timeout=max(1, math.ceil(timeout))
        ) as connection:
            connection.execute("SELECT 1")
        return Met(True, "succeeded: connected and queried")
    except psycopg.OperationalError as exc:
        text = str(exc).strip() or type(exc).__name__
        refused = exc.sqlstate in PG_REFUSAL_STATES or any(word in text.lower() for word in PG_REFUSALS)
        # libpq's message starts "connection to server at … failed: FATAL: <reason>": keep the reason.
        reason = " ".join(text.split("failed:", 1)[-1].split())
        return Met(False if refused else None, f"{'refused' if refused else 'error'}: {reason[:200]}")


def run_probe(probe: Probe, timeout: float, *, attack: bool, environment: Mapping[str, str] | None = None) -> Met:
    """One side, its ``${VAR}`` references resolved only now (never stored)."""
    fields = resolve(probe.fields, environment)
    if probe.kind == "tcp":
        return probe_tcp(fields, timeout)
    if probe.kind == "http":
        return probe_http(fields, timeout, attack=attack)
    if probe.kind == "s3":
        # Imported here: botocore takes a fifth of a second to import, and the web pages import this module.
        from art28.assurance.probe_s3 import probe_s3

        return probe_s3(fields, timeout, attack=attack)
    return probe_postgres(fields, timeout)


def outcome_of(attack: Met, control: Met) -> str:
    """The rule of the module's docstring: breach first, then a failed control, then the refusal."""
    if attack.worked is True:
        return ProbeOutcome.BREACH
    if control.worked is not True:
        return ProbeOutcome.INCONCLUSIVE
    if attack.worked is False:
        return ProbeOutcome.ISOLATED
    return ProbeOutcome.INCONCLUSIVE


@dataclass(frozen=True)
class PairResult:
    pair: Pair
    attack: Met
    control: Met
    seconds: float

    @property
    def outcome(self) -> str:
        return outcome_of(self.attack, self.control)


def run_suite(suite: Suite, environment: Mapping[str, str] | None = None) -> list[PairResult]:
    """Every pair's attack and control at once (``suite.workers`` threads), in the suite's order."""

    def timed(probe: Probe, attack: bool) -> tuple[Met, float]:
        started = time.perf_counter()
        met = run_probe(probe, suite.timeout, attack=attack, environment=environment)
        return met, time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=max(1, min(suite.workers, 2 * len(suite.pairs)))) as pool:
        futures = [(pair, pool.submit(timed, pair.attack, True), pool.submit(timed, pair.control, False))
                   for pair in suite.pairs]  # fmt: skip
        results = []
        for pair, attack, control in futures:
            (attack_met, attack_seconds), (control_met, control_seconds) = attack.result(), control.result()
            results.append(PairResult(pair, attack_met, control_met, max(attack_seconds, control_seconds)))
    return results


def isolation_run_record(
    *, actor: Actor, suite: Suite, results: list[PairResult], started_at: Any, sign: bool = False
) -> IsolationRun:
    """Store the run and its pairs (one audit entry), and its signed statement when ``sign``."""
    counts = {o: sum(r.outcome == o for r in results) for o in ProbeOutcome.values}
    run = IsolationRun(
        suite=suite.name,
        suite_sha256=hashlib.sha256(suite.path.read_bytes()).hexdigest(),
        started_at=started_at,
        finished_at=timezone.now(),
        isolated=counts[ProbeOutcome.ISOLATED],
        breaches=counts[ProbeOutcome.BREACH],
        inconclusive=counts[ProbeOutcome.INCONCLUSIVE],
    )
    if sign:
        run.signed = sign_statement(run_statement(run, results))
    with transaction.atomic():
        run.save()
        ProbeResult.objects.bulk_create(
            [
                ProbeResult(
                    run=run,
                    name=r.pair.name,
                    kind=r.pair.kind,
                    tenant=r.pair.tenant,
                    target=r.pair.target,
                    assets=";".join(r.pair.assets)[:500],
                    outcome=r.outcome,
                    attack=r.attack.detail[:300],
                    control=r.control.detail[:300],
                    seconds=round(r.seconds, 3),
                )
                for r in results
            ]
        )
        audit_record(actor=actor, action="assurance.isolation_run", obj=run,
                     after={"suite": run.suite, "sha256": run.suite_sha256, **counts, "signed": sign})  # fmt: skip
    return run


def run_statement(run: IsolationRun, results: list[PairResult]) -> dict[str, Any]:
    """What a signed run states: the suite (by name and hash; it holds no secret) and every pair's outcome."""
    return {
        "type": STATEMENT_TYPE,
        "issuer": {"name": settings.ART28_PROVIDER_NAME, "country": settings.ART28_PROVIDER_COUNTRY},
        "suite": {"name": run.suite, "sha256": run.suite_sha256},
        "started_at": jsonable(run.started_at),
        "finished_at": jsonable(run.finished_at),
        "counts": {"isolated": run.isolated, "breach": run.breaches, "inconclusive": run.inconclusive},
        "pairs": [
            {
                "name": r.pair.name,
                "kind": r.pair.kind,
                "tenant": r.pair.tenant,
                "target": r.pair.target,
                "outcome": r.outcome,
                "attack": r.attack.detail,
                "control": r.control.detail,
            }
            for r in results
        ],
    }


def declaration_query(result: ProbeResult) -> str:
    """The breach declaration's prefill for a *breach* pair: staff review and confirm it (declaring starts
    the breach clocks, GDPR Art. 33(2); a person decides)."""
    title = f"Isolation probe breach: {result.name}"
    description = (
        f"The isolation probe '{result.name}' ({result.kind}) of suite '{result.run.suite}' reached "
        f"{result.target or 'another tenant'}'s resource with {result.tenant or 'another tenant'}'s access on "
        f"{result.run.started_at:%Y-%m-%d %H:%M} UTC. Attack: {result.attack}. Control: {result.control}."
    )
    return urlencode({"title": title, "description": description, "assets": result.assets.replace(";", ",")})

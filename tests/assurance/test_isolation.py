"""Isolation probes against real targets (S6; docs/assurance.md): a real HTTP server with two tenants'
tokens, real listening and closed TCP ports, PostgreSQL roles and databases on the CI's server. A refusal
counts only with its control: stop the control's server and the pair is inconclusive, never a pass."""

from __future__ import annotations

import io
import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command

from art28.assurance.models import IsolationRun, ProbeResult
from art28.assurance.probe_suite import load_suite
from art28.assurance.probes import Met, outcome_of, run_suite
from art28.core.problems import Problems

pytestmark = pytest.mark.django_db
TOKENS = {"ACME_TOKEN": "acme-secret-token", "BETA_TOKEN": "beta-secret-token"}
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


class TenantAPI(BaseHTTPRequestHandler):
    """/tenants/beta/data answers BETA's token only (403 to others, 401 without); /leaky/beta answers anyone."""

    def do_GET(self) -> None:
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        if self.path == "/leaky/beta":
            status = 200
        elif self.path == "/tenants/beta/data":
            status = 200 if token == TOKENS["BETA_TOKEN"] else 403 if token else 401
        else:
            status = 404
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), TenantAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def tcp_ports():
    """(a listening port, a closed port) on loopback."""
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    yield listening.getsockname()[1], closed_port
    listening.close()


def write_suite(tmp_path: Path, pairs: str) -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(f"suite: nightly\ntimeout: 3\npairs:\n{pairs}", "utf-8")
    return path


def http_pair(name: str, port: int, attack_path: str, control_path: str = "/tenants/beta/data") -> str:
    return f"""  - name: {name}
    kind: http
    tenant: ACME
    target: BETA
    assets: [web-01]
    attack:
      url: http://127.0.0.1:{port}{attack_path}
      headers: {{Authorization: "Bearer ${{ACME_TOKEN}}"}}
    control:
      url: http://127.0.0.1:{port}{control_path}
      headers: {{Authorization: "Bearer ${{BETA_TOKEN}}"}}
"""


def run(path: Path) -> list:
    problems = Problems()
    suite = load_suite(path, problems, environment=TOKENS)
    assert not problems, problems.lines
    assert suite is not None
    return run_suite(suite, environment=TOKENS)


@pytest.mark.parametrize(
    ("attack", "control", "expected"),
    [(True, True, "breach"), (True, False, "breach"), (True, None, "breach"),
     (False, True, "isolated"), (False, False, "inconclusive"), (False, None, "inconclusive"),
     (None, True, "inconclusive")],
)  # fmt: skip
def test_the_outcome_rule_breach_first_then_a_failed_control_then_the_refusal(attack, control, expected):
    assert outcome_of(Met(attack, ""), Met(control, "")) == expected


def test_http_a_refused_attack_with_a_passing_control_is_isolated_and_an_open_door_a_breach(tmp_path, api_server):
    port = api_server.server_address[1]
    path = write_suite(
        tmp_path, http_pair("panel", port, "/tenants/beta/data") + http_pair("leak", port, "/leaky/beta")
    )
    panel, leak = run(path)
    assert (panel.outcome, panel.attack.detail, panel.control.detail) == (
        "isolated",
        "refused: HTTP 403",
        "succeeded: HTTP 200",
    )
    assert (leak.outcome, leak.attack.detail) == ("breach", "succeeded: HTTP 200")


def test_a_refusal_whose_control_fails_is_inconclusive_when_the_control_server_is_down(tmp_path, api_server):
    port = api_server.server_address[1]
    path = write_suite(tmp_path, http_pair("panel", port, "/tenants/beta/data"))
    api_server.shutdown()
    api_server.server_close()  # nothing answers now: the attack is "refused", and so is the owner
    (result,) = run(path)
    assert result.attack.worked is False and result.control.worked is None
    assert result.outcome == "inconclusive"


def test_tcp_a_closed_port_refuses_and_a_listening_one_is_the_control_or_the_breach(tmp_path, tcp_ports):
    listening, closed = tcp_ports
    pairs = f"""  - name: db port from the customer VLAN
    kind: tcp
    attack: {{host: 127.0.0.1, port: {closed}}}
    control: {{host: 127.0.0.1, port: {listening}}}
  - name: reachable from everywhere
    kind: tcp
    attack: {{host: 127.0.0.1, port: {listening}}}
    control: {{host: 127.0.0.1, port: {listening}}}
"""
    refused, reachable = run(write_suite(tmp_path, pairs))
    assert (refused.outcome, refused.attack.detail) == ("isolated", "refused: connection refused")
    assert reachable.outcome == "breach"


@pytest.fixture
def two_databases():
    """Two roles and two databases on the CI's PostgreSQL; BETA's database refuses other roles' CONNECT."""
    suffix = f"{os.getpid()}"
    names = {"acme": f"acme_probe_{suffix}", "beta": f"beta_probe_{suffix}"}
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        for role in names.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{role}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')
            admin.execute(f'CREATE ROLE "{role}" LOGIN')
            admin.execute(f'CREATE DATABASE "{role}" OWNER "{role}"')
            admin.execute(f'REVOKE CONNECT ON DATABASE "{role}" FROM PUBLIC')
    yield names
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        for role in names.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{role}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_postgres_a_role_refused_on_another_tenants_database_with_the_owners_login_as_control(tmp_path, two_databases):
    acme, beta = two_databases["acme"], two_databases["beta"]
    pairs = f"""  - name: ACME's role on BETA's database
    kind: postgres
    attack: {{dsn: "postgresql://{acme}@127.0.0.1:5432/{beta}"}}
    control: {{dsn: "postgresql://{beta}@127.0.0.1:5432/{beta}"}}
"""
    (result,) = run(write_suite(tmp_path, pairs))
    assert result.outcome == "isolated", (result.attack, result.control)
    assert "permission denied" in result.attack.detail and result.control.detail == "succeeded: connected and queried"


@pytest.mark.parametrize(
    ("pairs", "problem"),
    [
        ("  - {name: a, kind: ftp, attack: {}, control: {}}\n", "suite.yaml:4: pairs[0].kind: 'ftp' is not one of"),
        ("  - name: a\n    kind: postgres\n    attack: {dsn: 'postgresql://a@h/db', password: hunter2}\n"
         "    control: {dsn: 'postgresql://b@h/db'}\n", "pairs[0].attack.password: write a reference ${ENV_VAR}"),
        ("  - name: a\n    kind: postgres\n    attack: {dsn: 'postgresql://a:hunter2@h/db'}\n"
         "    control: {dsn: 'postgresql://b@h/db'}\n", "pairs[0].attack.dsn: no password in the DSN"),
        ("  - name: a\n    kind: http\n    attack: {url: 'http://h/x', headers: {Authorization: 'Bearer abc'}}\n"
         "    control: {url: 'http://h/x'}\n", "pairs[0].attack.headers.Authorization: the credential must come from"),
        ("  - name: a\n    kind: http\n    attack: {url: 'http://h/x', headers: {Authorization: '${NOPE}'}}\n"
         "    control: {url: 'http://h/x'}\n", "suite.yaml:4: pairs[0]: the environment variable NOPE is not set"),
        ("  - name: a\n    kind: tcp\n    attack: {host: h, port: 70000}\n    control: {host: h, port: 1}\n",
         "pairs[0].attack: host and a port from 1 to 65535"),
    ],
)  # fmt: skip
def test_a_bad_suite_names_file_line_and_field_and_runs_nothing(tmp_path, pairs, problem):
    problems = Problems()
    load_suite(write_suite(tmp_path, pairs), problems, environment=TOKENS)
    assert any(problem in line for line in problems.lines), problems.lines


def test_the_command_stores_the_run_signs_it_proposes_an_incident_and_exits_1(tmp_path, api_server, signing_key,
                                                                              monkeypatch):  # fmt: skip
    for name, value in TOKENS.items():
        monkeypatch.setenv(name, value)
    port = api_server.server_address[1]
    path = write_suite(
        tmp_path, http_pair("panel", port, "/tenants/beta/data") + http_pair("leak", port, "/leaky/beta")
    )
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("isolation_run", str(path), "--sign", stdout=out)
    assert exited.value.code == 1
    assert (
        "BREACH        leak" in out.getvalue()
        and "/staff/breaches/declare/?title=Isolation+probe+breach" in out.getvalue()
    )
    run = IsolationRun.objects.get()
    assert (run.isolated, run.breaches, run.inconclusive) == (1, 1, 0)
    assert sorted(ProbeResult.objects.values_list("name", "outcome")) == [("leak", "breach"), ("panel", "isolated")]
    assert "acme-secret-token" not in run.signed and "beta-secret-token" not in json.dumps(
        list(ProbeResult.objects.values()), default=str
    )
    signed = tmp_path / "run.json"
    signed.write_text(run.signed)
    verified = io.StringIO()
    call_command("attestation_verify", str(signed), stdout=verified)
    assert verified.getvalue().startswith("valid: art28/isolation-run of nightly at ")


def test_the_runs_page_charts_each_run_and_a_breach_offers_breach_writers_a_declaration(
    tmp_path, api_server, staff_client, make_user
):
    from tests.conftest import logged_in

    port = api_server.server_address[1]
    path = write_suite(
        tmp_path, http_pair("panel", port, "/tenants/beta/data") + http_pair("leak", port, "/leaky/beta")
    )
    problems = Problems()
    suite = load_suite(path, problems, environment=TOKENS)
    assert suite is not None
    from django.utils import timezone

    from art28.assurance.probes import isolation_run_record
    from tests.conftest import TEST_ACTOR

    run = isolation_run_record(actor=TEST_ACTOR, suite=suite, results=run_suite(suite, environment=TOKENS),
                               started_at=timezone.now())  # fmt: skip
    listing = staff_client.get("/staff/assurance/isolation/")
    assert listing.context["chart"].bars[0].segments[0].value == 1  # one isolated
    assert [s.value for s in listing.context["chart"].bars[0].segments] == [1, 0, 1]
    page = staff_client.get(f"/staff/assurance/isolation/{run.pk}/").content.decode()  # operations: may not declare
    assert "Declare an incident" not in page and "leak" in page
    security = logged_in(make_user("sec@provider.example", "security"))
    page = security.get(f"/staff/assurance/isolation/{run.pk}/").content.decode()
    assert page.count("Declare an incident") == 1 and "title=Isolation+probe+breach%3A+leak" in page


@pytest.fixture
def namespaces():
    """Two network namespaces (root only): BETA's listens on its own 127.0.0.1; ACME's is another network."""
    import subprocess
    import sys
    import time

    names = {"acme": f"art28-acme-{os.getpid()}", "beta": f"art28-beta-{os.getpid()}"}
    for name in names.values():
        subprocess.run(["ip", "netns", "add", name], check=True)
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
    port = 18000 + os.getpid() % 1000
    serve = (f"import socket,time; s=socket.socket(); s.bind(('127.0.0.1',{port})); s.listen(); "
             "print('ok',flush=True); time.sleep(120)")  # fmt: skip
    listener = subprocess.Popen(
        ["ip", "netns", "exec", names["beta"], sys.executable, "-c", serve], stdout=subprocess.PIPE, text=True
    )
    assert listener.stdout is not None and listener.stdout.readline().strip() == "ok"
    time.sleep(0.1)
    yield names, port
    listener.kill()
    for name in names.values():
        subprocess.run(["ip", "netns", "del", name], check=False)


@pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root (the issue: where the machine allows)")
def test_a_network_namespace_pair_proves_a_refused_route_with_its_control(tmp_path, namespaces):
    names, port = namespaces
    pairs = f"""  - name: BETA's service from ACME's network
    kind: tcp
    attack: {{netns: {names["acme"]}, host: 127.0.0.1, port: {port}}}
    control: {{netns: {names["beta"]}, host: 127.0.0.1, port: {port}}}
"""
    (result,) = run(write_suite(tmp_path, pairs))
    assert (result.outcome, result.attack.detail, result.control.detail) == (
        "isolated",
        "refused: connection refused",
        "succeeded: connected",
    )

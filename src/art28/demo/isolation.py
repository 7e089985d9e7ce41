"""The demo's isolation run (S6): a real probe suite against the demo's own server, stored and (when the
attestation key exists) signed, as `art28 isolation-run` stores a provider's nightly run.

art28 itself is served on a free loopback port for the length of the run, and two demo customers get an
API token each (named "isolation probe"; their secrets live only in this process, as the `${VAR}`
references of a real suite would). The pairs:

- each customer's token on the *other* customer's record of processing (Art. 30(2)), controlled by the
  owner's own token on it: art28's tenancy, probed through its real API;
- no token at all on a customer's record, controlled by the owner's token;
- TCP: the server listens on 127.0.0.1 only, so a connection to it at 127.0.0.2 (standing for an address
  another tenant's network sees) is refused, controlled by the connection at 127.0.0.1.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer, get_internal_wsgi_application
from django.db import connection
from django.utils import timezone

from art28.assurance.probe_suite import load_suite
from art28.assurance.probes import isolation_run_record, run_suite
from art28.core.audit import SystemActor
from art28.core.models import User
from art28.core.problems import Problems
from art28.core.services import api_token_create
from art28.core.signing import SigningKeyMissing, load_private_key
from art28.demo.logins import CUSTOMER_EMAILS

SUITE_NAME = "demo-nightly-isolation"


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def demo_server() -> Iterator[int]:
    """art28 served on 127.0.0.1 at a free port by Django's own WSGI server, one request at a time (the
    probes' requests queue on the socket; an embedded SQLite then never sees two writers at once)."""
    server = WSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    server.set_app(get_internal_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    requests_log = logging.getLogger("django.request")
    level = requests_log.level
    requests_log.setLevel(logging.ERROR)  # the attacks' 401 and 404 are the point, not warnings
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        requests_log.setLevel(level)


def suite_text(port: int, owners: dict[str, str]) -> str:
    """The suite's YAML: ``owners`` maps each tenant's variable stem (A, B) to its organisation's ref."""
    base = f"http://127.0.0.1:{port}/api/v1/records/controllers"
    lines = [f"suite: {SUITE_NAME}", "timeout: 5", "pairs:"]
    for attacker, target in (("A", "B"), ("B", "A")):
        url = f"{base}/{owners[target]}"
        lines += [
            f"  - name: {owners[attacker]}'s token on {owners[target]}'s record of processing",
            "    kind: http",
            f"    tenant: {owners[attacker]}",
            f"    target: {owners[target]}",
            f"    attack: {{url: '{url}', headers: {{Authorization: 'Bearer ${{DEMO_TOKEN_{attacker}}}'}}}}",
            f"    control: {{url: '{url}', headers: {{Authorization: 'Bearer ${{DEMO_TOKEN_{target}}}'}}}}",
        ]
    url = f"{base}/{owners['B']}"
    lines += [
        f"  - name: no token on {owners['B']}'s record of processing",
        "    kind: http",
        f"    target: {owners['B']}",
        f"    attack: {{url: '{url}'}}",
        f"    control: {{url: '{url}', headers: {{Authorization: 'Bearer ${{DEMO_TOKEN_B}}'}}}}",
        "  - name: art28's port from another network's address",
        "    kind: tcp",
        f"    attack: {{host: 127.0.0.2, port: {port}}}",
        f"    control: {{host: 127.0.0.1, port: {port}}}",
    ]
    return "\n".join(lines) + "\n"


def load_demo_isolation(actor: SystemActor) -> str:
    if connection.in_atomic_block:
        # The server's threads read through their own connections: data not yet committed (a loader run
        # inside a transaction) is invisible to them, and every control would fail. Nothing is stored.
        return "isolation run: skipped (the demo is loading inside a transaction its server cannot see)"
    users = {
        u.email: u
        for u in User.objects.filter(email__in=[CUSTOMER_EMAILS[0], CUSTOMER_EMAILS[2]], organisation__isnull=False)
    }
    if len(users) < 2:
        return "isolation run: skipped (the demo needs two customers with users)"
    tenants = [users[CUSTOMER_EMAILS[0]], users[CUSTOMER_EMAILS[2]]]
    environment: dict[str, str] = {}
    owners: dict[str, str] = {}
    for stem, user in zip("AB", tenants, strict=True):
        _token, secret = api_token_create(actor=actor, user=user, name="isolation probe")
        environment[f"DEMO_TOKEN_{stem}"] = secret
        assert user.organisation is not None  # filtered above
        owners[stem] = user.organisation.ref
    try:
        load_private_key()
        sign = True
    except SigningKeyMissing:
        sign = False
    with tempfile.TemporaryDirectory() as folder, demo_server() as port:
        path = Path(folder) / "demo-isolation.yaml"
        path.write_text(suite_text(port, owners), "utf-8")
        problems = Problems()
        suite = load_suite(path, problems, environment=environment)
        if suite is None or problems:
            raise RuntimeError(f"the demo's isolation suite is refused: {problems.lines}")
        started = timezone.now()
        results = run_suite(suite, environment=environment)
        run = isolation_run_record(actor=actor, suite=suite, results=results, started_at=started, sign=sign)
    return (
        f"isolation run: {run.isolated} isolated, {run.breaches} breach(es), {run.inconclusive} inconclusive"
        f"{', signed' if sign else ''}"
    )

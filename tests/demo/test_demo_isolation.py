"""The demo's isolation run (S6): art28's own server, probed with two customers' real API tokens and a TCP
pair, every pair isolated, the run stored and signed; no token secret is kept."""

from __future__ import annotations

import json

import pytest

from art28.assurance.models import IsolationRun, ProbeResult
from art28.core.audit import SystemActor
from art28.core.models import ApiToken
from art28.core.roles import Role
from art28.core.signing import provider_public_key, verify_document
from art28.demo.isolation import load_demo_isolation
from art28.demo.logins import CUSTOMER_EMAILS


@pytest.mark.django_db(transaction=True)
def test_the_demo_server_refuses_each_customer_the_others_record_and_lets_the_owner_read_it(
    make_org, make_user, signing_key
):
    first, other = make_org("C00001"), make_org("C00002")
    make_user(CUSTOMER_EMAILS[0], Role.CUSTOMER_ADMIN, first)
    make_user(CUSTOMER_EMAILS[2], Role.CUSTOMER_ADMIN, other)

    output = load_demo_isolation(SystemActor("load-demo"))

    assert output == "isolation run: 4 isolated, 0 breach(es), 0 inconclusive, signed"
    run = IsolationRun.objects.get()
    pairs = {r.name: r for r in ProbeResult.objects.filter(run=run)}
    assert {r.kind for r in pairs.values()} == {"http", "tcp"}
    assert {r.outcome for r in pairs.values()} == {"isolated"}
    cross = pairs["C00001's token on C00002's record of processing"]
    assert (cross.tenant, cross.target) == ("C00001", "C00002")
    assert cross.attack == "refused: HTTP 404" and cross.control == "succeeded: HTTP 200"
    assert pairs["no token on C00002's record of processing"].attack == "refused: HTTP 401"
    tcp = pairs["art28's port from another network's address"]
    assert tcp.attack.startswith("refused") and tcp.control == "succeeded: connected"

    verified = verify_document(run.signed, provider_public_key())
    assert verified.ok and verified.statement["counts"] == {"isolated": 4, "breach": 0, "inconclusive": 0}
    # The probe tokens exist (named for what they are for); their secrets are in no stored row.
    tokens = ApiToken.objects.filter(name="isolation probe")
    assert tokens.count() == 2
    stored = run.signed + json.dumps([[r.attack, r.control, r.target] for r in pairs.values()])
    assert all(token.hint not in stored for token in tokens)


def test_inside_a_transaction_the_run_is_skipped_and_nothing_is_stored(make_org, make_user):
    make_user(CUSTOMER_EMAILS[0], Role.CUSTOMER_ADMIN, make_org("C00001"))
    make_user(CUSTOMER_EMAILS[2], Role.CUSTOMER_ADMIN, make_org("C00002"))

    assert load_demo_isolation(SystemActor("load-demo")).startswith("isolation run: skipped")
    assert not IsolationRun.objects.exists() and not ApiToken.objects.exists()

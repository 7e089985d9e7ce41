"""Attestations for a past moment (issue 12, Art. 28(3)(h)): the signed statement says where the data was
then, from the inventory's history, under the policy of that day, and states both the moment it speaks
for and when it was signed; a moment it cannot answer for is refused with the reason, and nothing is kept."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from art28.core.models import AuditEntry, Organisation
from art28.core.roles import Role
from art28.core.services import organisation_update
from art28.residency.models import Attestation
from art28.residency.pdf import attestation_pdf_context
from art28.residency.services import AttestationRefused, attestation_issue
from tests.conftest import TEST_ACTOR, logged_in
from tests.residency.history import build_history

pytestmark = pytest.mark.django_db
API = "/api/v1/residency/my/attestations"
PORTAL = "/portal/attestations/"


@pytest.fixture
def history(tmp_path, monkeypatch, settings, org_a, org_b, signing_key):
    return build_history(tmp_path, monkeypatch, settings)


def statement(attestation: Attestation) -> dict:
    return json.loads(attestation.document)["attestation"]


def support_access_to_france(body: dict) -> bool:
    return any(f["kind"] == "support_access" and f["country"] == "FR" for f in body["flows"])


def test_a_past_attestation_states_the_placement_and_flow_a_later_sync_ended(org_a, history):
    then = attestation_issue(actor=TEST_ACTOR, organisation=org_a, at=history.first + dt.timedelta(hours=1))
    now = attestation_issue(actor=TEST_ACTOR, organisation=org_a)

    past, present = statement(then), statement(now)
    assert [p["asset"] for p in past["placements"]] == ["gva1-vol-7", "zrh1-db-1"]
    assert [p["asset"] for p in present["placements"]] == ["zrh1-db-1"]
    assert support_access_to_france(past) and not support_access_to_france(present)
    assert "FR" in past["countries"] and "FR" not in present["countries"]
    assert past["compliant"] is False and then.compliant is False

    # The statement names the moment it speaks for and, separately, when it was signed.
    assert dt.datetime.fromisoformat(past["as_of"]) == history.first + dt.timedelta(hours=1) == then.as_of
    assert dt.datetime.fromisoformat(past["issued_at"]) == then.issued_at > then.as_of
    assert present["as_of"] == present["issued_at"] and now.as_of == now.issued_at
    entry = AuditEntry.objects.filter(action="attestation.issue", object_id=str(then.pk)).get()
    assert entry.after["as_of"] == past["as_of"] and entry.after["issued_at"] == past["issued_at"]


def test_a_moment_exactly_at_the_second_sync_no_longer_holds_what_it_ended(org_a, history):
    """Half-open periods: the flow ended by the second sync does not hold at that sync's moment."""
    at_second = statement(attestation_issue(actor=TEST_ACTOR, organisation=org_a, at=history.second))
    just_before = statement(
        attestation_issue(actor=TEST_ACTOR, organisation=org_a, at=history.second - dt.timedelta(microseconds=1))
    )
    assert support_access_to_france(just_before) and not support_access_to_france(at_second)


def test_a_past_attestation_judges_by_the_allowed_countries_of_that_day(make_org, monkeypatch, history):
    """ACME's policy, CH since before the history, becomes CH+FR now: the past stays judged by CH."""
    org_a = Organisation.objects.get(ref="ACME")
    with monkeypatch.context() as clock:  # the customer's policy as recorded since before the first sync
        clock.setattr(timezone, "now", lambda: history.first - dt.timedelta(days=30))
        org_a = organisation_update(actor=TEST_ACTOR, organisation=org_a, allowed_countries="CH")
    org_a = organisation_update(actor=TEST_ACTOR, organisation=org_a, allowed_countries="CH;FR")
    past = statement(attestation_issue(actor=TEST_ACTOR, organisation=org_a, at=history.first))
    assert past["policy"]["allowed_countries"] == ["CH"]
    assert any(v["destination"] == "FR" for v in past["violations"])

    later = attestation_issue(actor=TEST_ACTOR, organisation=org_a)
    assert statement(later)["policy"]["allowed_countries"] == ["CH", "FR"]


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        (lambda h: h.first - dt.timedelta(seconds=1), "history begins on"),
        (lambda h: timezone.now() + dt.timedelta(days=1), "in the future"),
    ],
)
def test_a_moment_without_an_answer_is_refused_and_nothing_is_kept(org_a, history, moment, reason):
    before = (Attestation.objects.count(), AuditEntry.objects.count())
    with pytest.raises(AttestationRefused, match=reason):
        attestation_issue(actor=TEST_ACTOR, organisation=org_a, at=moment(history))
    assert (Attestation.objects.count(), AuditEntry.objects.count()) == before


def test_the_cli_issues_for_a_past_day_and_refuses_a_day_before_the_history(org_a, history, tmp_path):
    out = io.StringIO()
    target = tmp_path / "att.json"
    call_command("attestation_issue", "ACME", "--at", history.first_day, "--output", str(target), stdout=out)
    assert f"as of {history.first_day}T23:59:59.999999" in out.getvalue()
    assert [p["asset"] for p in json.loads(target.read_text())["attestation"]["placements"]] == [
        "gva1-vol-7",
        "zrh1-db-1",
    ]

    before = Attestation.objects.count()
    for bad, reason in [("2020-01-01", "history begins on"), ("14.03.2026", "is not a date")]:
        with pytest.raises(CommandError, match=reason) as refused:
            call_command("attestation_issue", "ACME", "--at", bad, stdout=io.StringIO())
        assert refused.value.returncode == 2
    assert Attestation.objects.count() == before


def test_the_api_issues_for_a_past_day_and_answers_400_with_the_reason(client_a, history):
    created = client_a.post(f"{API}?at={history.first_day}")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["as_of"].startswith(history.first_day) and body["issued_at"] > body["as_of"]
    assert "FR" in body["countries"]

    before = Attestation.objects.count()
    for bad, reason in [("2020-01-01", "history begins on"), ("2999-01-01", "is in the future")]:
        refused = client_a.post(f"{API}?at={bad}")
        assert refused.status_code == 400 and reason in refused.json()["detail"]
    assert Attestation.objects.count() == before


def test_the_portal_issues_for_a_past_day_of_its_own_organisation_only(client_a, make_user, org_b, history):
    client_b = logged_in(make_user("admin@beta.example", Role.CUSTOMER_ADMIN, org_b))
    page = client_a.get(PORTAL).content.decode()
    assert f'min="{history.first_day}"' in page and 'name="at"' in page

    response = client_a.post("/portal/attestations/issue", {"at": history.first_day}, follow=True)
    assert response.status_code == 200
    issued = Attestation.objects.get()
    assert issued.organisation.ref == "ACME" and timezone.localdate(issued.as_of).isoformat() == history.first_day
    assert "Signed" in response.content.decode() or "Signé" in response.content.decode()

    # BETA's administrator, asking for the same day, gets BETA's past and sees nothing of ACME's.
    client_b.post("/portal/attestations/issue", {"at": history.first_day})
    beta = Attestation.objects.get(organisation__ref="BETA")
    assert [p["asset"] for p in statement(beta)["placements"]] == ["gva1-vm-12"]
    assert "ACME" not in beta.document and "gva1-vol-7" not in beta.document
    assert client_b.get(f"/portal/attestations/{issued.public_id}.json").status_code == 404

    refused = client_a.post("/portal/attestations/issue", {"at": "2020-01-01"}, follow=True)
    assert "history begins on" in refused.content.decode() or "historique" in refused.content.decode()
    assert Attestation.objects.count() == 2


def test_the_pdf_of_a_past_attestation_shows_both_moments(org_a, history):
    context = attestation_pdf_context(attestation_issue(actor=TEST_ACTOR, organisation=org_a, at=history.first))
    assert context["as_of"] == history.first and context["issued_at"] > history.first

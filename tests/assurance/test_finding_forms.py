"""Deciding about an intrusion-test finding on its staff page (S6, issue 14; docs/assurance.md): security
and administrators set an affected asset's status (fixed, a risk accepted with its owner, reason and expiry,
a false positive) and record retest rounds; bad input is a 400 naming the field and changes nothing; roles
that only read see no form and are refused a POST; customers are kept out."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client
from django.utils import timezone

from art28.assurance.models import AffectedAsset, Finding, Retest
from art28.assurance.pentests import CampaignOptions, pentest_import
from art28.core.models import AuditEntry, User
from art28.core.roles import Role
from art28.inventory.models import Asset, Service
from tests.conftest import TEST_ACTOR, logged_in

pytestmark = pytest.mark.django_db
PAGE = "/staff/assurance/intrusion-tests/PT-WEB/findings/W-1/"
STATUS = PAGE + "status"
RETEST = PAGE + "retests"
HEADER = "ref,title,severity_vector,assets,description,recommendation\n"
HIGH = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def finding(tmp_path) -> Finding:
    """W-1, high, open on web-01 and web-02 (imported from a report by Alpine Security AG)."""
    web = Service.objects.create(name="Web hosting")
    for ref in ("web-01", "web-02"):
        Asset.objects.create(ref=ref, kind="vm", service=web)
    path = tmp_path / "f.csv"
    path.write_text(HEADER + f"W-1,Secret in page source,{HIGH},web-01;web-02,,\n")
    options = CampaignOptions("Web hosting", "web-application", "Alpine Security AG", completed=today())
    pentest_import("PT-WEB", path, format="csv", actor=TEST_ACTOR, options=options)
    return Finding.objects.get(ref="W-1")


@pytest.fixture
def security(make_user) -> User:
    return make_user("sec@provider.example", Role.SECURITY)


@pytest.fixture
def security_client(security) -> Client:
    return logged_in(security)


def statuses() -> dict[str, str]:
    return dict(AffectedAsset.objects.order_by("asset__ref").values_list("asset__ref", "status"))


def status_post(**fields) -> dict[str, str]:
    return {f"status-{name}": value for name, value in ({"asset": "web-01"} | fields).items()}


def retest_post(tested_on: dt.date, tester: str = "Alpine Security AG", **outcomes: str) -> dict[str, str]:
    data = {"retest-tested_on": tested_on.isoformat(), "retest-tester": tester}
    return data | {f"retest-outcome_{ref.replace('_', '-')}": o for ref, o in outcomes.items()}


def text(response) -> str:
    return html.unescape(response.content.decode())


def field_errors(page: str, field_id: str) -> str:
    """The errors shown at a field (the list its aria-describedby names)."""
    assert f'aria-describedby="{field_id}_helptext {field_id}_error"' in page or f'"{field_id}_error"' in page
    return page.split(f'<ul class="errorlist" id="{field_id}_error">', 1)[1].split("</ul>", 1)[0]


def assets_table(page: str) -> str:
    """The table of affected assets, as a user reads it."""
    return page.split('<table class="affected">', 1)[1].split("</table>", 1)[0]


def test_security_sets_an_asset_fixed_the_page_shows_it_and_the_audit_trail_has_it(security_client, finding):
    response = security_client.post(STATUS, status_post(status="fixed"), follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    page = text(response)
    assert "Status of web-01 set to “fixed”." in page
    table = assets_table(page)
    assert "<td>web-01</td><td>fixed</td>" in table and "<td>web-02</td><td>open</td>" in table
    assert statuses() == {"web-01": "fixed", "web-02": "open"}
    entry = AuditEntry.objects.filter(action="assurance.finding_status_set").get()
    assert entry.actor_label == "sec@provider.example" and entry.object_repr == "PT-WEB/W-1"
    assert entry.before["status"] == "open" and entry.after["asset"] == "web-01" and entry.after["status"] == "fixed"


def test_a_risk_accepted_with_its_owner_reason_and_expiry_shows_who_until_when_and_why(
    security_client, security, finding
):
    until = today() + dt.timedelta(days=90)
    fields = status_post(
        status="risk-accepted", owner=str(security.pk), reason="WAF rule blocks it", accepted_until=until.isoformat()
    )
    page = text(security_client.post(STATUS, fields, follow=True))
    assert "Status of web-01 set to “risk accepted”." in page
    assert "by sec@provider.example until" in assets_table(page) and "WAF rule blocks it" in assets_table(page)
    row = AffectedAsset.objects.get(asset__ref="web-01")
    assert (row.status, row.accepted_by, row.accepted_until) == ("risk-accepted", security, until)


def test_a_risk_accepted_without_a_reason_is_refused_next_to_the_field_and_changes_nothing(
    security_client, security, finding
):
    audited = AuditEntry.objects.count()
    until = (today() + dt.timedelta(days=30)).isoformat()
    response = security_client.post(
        STATUS, status_post(status="risk-accepted", owner=str(security.pk), reason=" ", accepted_until=until)
    )
    assert response.status_code == 400
    page = text(response)
    assert "Nothing was changed: please correct the errors below." in page
    assert "A risk accepted needs this." in field_errors(page, "id_status-reason")
    assert statuses() == {"web-01": "open", "web-02": "open"} and AuditEntry.objects.count() == audited


def test_a_risk_accepted_beyond_the_longest_allowed_expiry_is_refused_with_the_limit(
    security_client, security, finding, settings
):
    settings.ART28_RISK_ACCEPTANCE_MAX_DAYS = 365
    audited = AuditEntry.objects.count()
    fields = status_post(
        status="risk-accepted",
        owner=str(security.pk),
        reason="Legacy system, replaced next year",
        accepted_until=(today() + dt.timedelta(days=366)).isoformat(),
    )
    response = security_client.post(STATUS, fields)
    assert response.status_code == 400
    until = field_errors(text(response), "id_status-accepted_until")
    assert "a risk acceptance expires after today and within 365 days" in until
    assert statuses() == {"web-01": "open", "web-02": "open"} and AuditEntry.objects.count() == audited


def test_the_refusal_is_in_the_readers_language(security_client, security, finding):
    fields = status_post(
        status="risk-accepted",
        owner=str(security.pk),
        reason="x",
        accepted_until=(today() + dt.timedelta(days=999)).isoformat(),
    )
    response = security_client.post(STATUS, fields, headers={"accept-language": "de"})
    assert response.status_code == 400
    assert "Es wurde nichts geändert" in text(response) and "innerhalb von 365 Tagen" in text(response)


def test_a_false_positive(security_client, finding):
    page = text(security_client.post(STATUS, status_post(asset="web-02", status="false-positive"), follow=True))
    assert "<td>web-02</td><td>false positive</td>" in assets_table(page)
    assert statuses() == {"web-01": "open", "web-02": "false-positive"}


def test_an_asset_the_finding_does_not_affect_is_refused(security_client, finding):
    Asset.objects.create(ref="db-01", kind="vm", service=Service.objects.get())
    response = security_client.post(STATUS, status_post(asset="db-01", status="fixed"))
    assert response.status_code == 400 and "Select a valid choice." in text(response)
    assert statuses() == {"web-01": "open", "web-02": "open"}


def test_a_retest_round_of_two_assets_sets_both_and_shows_in_the_history(security_client, finding):
    tested = today() - dt.timedelta(days=2)
    response = security_client.post(RETEST, retest_post(tested, web_01="fixed", web_02="partly"), follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    page = text(response)
    assert "recorded for 2 assets." in page
    assert statuses() == {"web-01": "fixed", "web-02": "open"}  # partly fixed: still open
    history = page.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    assert "Alpine Security AG" in history and "web-01 fixed, web-02 partly fixed" in history
    table = assets_table(page)
    assert "<td>web-01</td><td>fixed</td>" in table and "<td>web-02</td><td>open</td>" in table
    assert AuditEntry.objects.filter(action="assurance.finding_retest").get().after["outcomes"] == {
        "web-01": "fixed",
        "web-02": "partly",
    }


def test_only_the_assets_given_an_outcome_are_retested_and_every_round_is_kept(security_client, finding):
    security_client.post(RETEST, retest_post(today() - dt.timedelta(days=5), web_01="fixed", web_02="not-fixed"))
    response = security_client.post(RETEST, retest_post(today(), tester="Alpine", web_01="", web_02="fixed"))
    assert response.status_code == 302
    assert statuses() == {"web-01": "fixed", "web-02": "fixed"}
    rounds = [(r.tester, sorted(r.results.values_list("asset__ref", "outcome"))) for r in Retest.objects.all()]
    assert rounds == [
        ("Alpine Security AG", [("web-01", "fixed"), ("web-02", "not-fixed")]),
        ("Alpine", [("web-02", "fixed")]),
    ]
    page = text(security_client.get(PAGE))
    assert "<dt>Status</dt><dd>fixed</dd>" in page  # every asset fixed: the finding is
    history = page.split('<ol class="timeline">', 1)[1]
    assert history.index("Alpine:") < history.index("Alpine Security AG:")  # the latest first


def test_a_retest_in_the_future_is_refused_and_changes_nothing(security_client, finding):
    audited = AuditEntry.objects.count()
    response = security_client.post(RETEST, retest_post(today() + dt.timedelta(days=1), web_01="fixed"))
    assert response.status_code == 400
    assert "a retest cannot be in the future" in field_errors(text(response), "id_retest-tested_on")
    assert not Retest.objects.exists() and statuses() == {"web-01": "open", "web-02": "open"}
    assert AuditEntry.objects.count() == audited


def test_a_retest_without_any_outcome_is_refused(security_client, finding):
    response = security_client.post(RETEST, retest_post(today(), web_01="", web_02=""))
    assert response.status_code == 400
    assert "give the outcome for at least one affected asset" in text(response)
    assert not Retest.objects.exists()


def test_the_forms_offer_the_findings_assets_staff_owners_and_the_campaigns_tester(
    security_client, security, finding, make_user, org_a
):
    make_user("alice@acme.example", Role.CUSTOMER_ADMIN, org_a)
    page = text(security_client.get(PAGE))
    assert "Set an asset's status" in page and "Record a retest" in page
    owners = page.split('name="status-owner"', 1)[1].split("</select>", 1)[0]
    assert "sec@provider.example" in owners and "alice@acme.example" not in owners  # staff only
    assert 'value="Alpine Security AG"' in page  # the campaign's tester, to start with
    assert 'name="retest-outcome_web-01"' in page and 'name="retest-outcome_web-02"' in page


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.DPO, Role.OPERATIONS])
def test_roles_that_only_read_see_no_form_and_are_refused_a_post(make_user, finding, role):
    client = logged_in(make_user("reader@provider.example", role))
    page = text(client.get(PAGE))
    assert "Secret in page source" in page
    assert (
        "Set an asset's status" not in page
        and "Record a retest" not in page
        and "<form" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    )
    assert client.post(STATUS, status_post(status="fixed")).status_code == 403
    assert client.post(RETEST, retest_post(today(), web_01="fixed")).status_code == 403
    assert statuses() == {"web-01": "open", "web-02": "open"} and not Retest.objects.exists()


def test_a_customer_is_refused(client_a, finding):
    assert client_a.get(PAGE).status_code == 403
    assert client_a.post(STATUS, status_post(status="fixed")).status_code == 403
    assert client_a.post(RETEST, retest_post(today(), web_01="fixed")).status_code == 403
    assert statuses() == {"web-01": "open", "web-02": "open"}


def test_an_unknown_finding_is_404_and_a_get_of_a_form_endpoint_is_405(security_client, finding):
    assert security_client.post(PAGE.replace("W-1", "W-9") + "status", status_post(status="fixed")).status_code == 404
    assert security_client.post("/staff/assurance/intrusion-tests/NOPE/findings/W-1/retests").status_code == 404
    assert security_client.get(STATUS).status_code == 405

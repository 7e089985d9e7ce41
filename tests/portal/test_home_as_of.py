"""The customer's "where my data is" page as of a past day (issue 12): the date picker, the answer from
the inventory's history, and nothing of another organisation's data then or now, by any parameter."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from art28.core.models import AuditEntry
from art28.inventory.models import Placement
from tests.residency.history import build_history

pytestmark = pytest.mark.django_db
URL = "/portal/"
API = "/api/v1/residency"
# What only GAMMA (gone since the second sync) and BETA (its payroll, since then) have.
NOT_ACMES = ["GAMMA", "Gamma", "Fondazione", "health data", "patients", "payroll", "Beta AG", "BETA"]


@pytest.fixture
def history(tmp_path, monkeypatch, settings, org_a, org_b):
    return build_history(tmp_path, monkeypatch, settings)


def placements(response) -> list[str]:
    return [p.asset_ref for p in response.context["residency"].placements]


def svg(html: str) -> str:
    match = re.search(r"<svg.*?</svg>", html, re.S)
    assert match, "the page has no SVG diagram"
    return match.group(0)


def test_as_of_the_first_day_the_customer_sees_its_own_past_placement_and_its_diagram(client_a, history):
    now = client_a.get(URL)
    assert placements(now) == ["zrh1-db-1"]
    assert "GVA1" not in svg(now.content.decode())

    then = client_a.get(URL, {"at": history.first_day})
    assert then.status_code == 200
    assert placements(then) == ["gva1-vol-7", "zrh1-db-1"]
    html = then.content.decode()
    assert "the inventory as it was then (from its history)" in html
    assert "GVA1" in svg(html) and "FR" in svg(html)  # the volume in Geneva, its support access to France
    assert not then.context["residency"].compliant  # that support access broke ACME's policy then
    assert f'value="{history.first_day}"' in html
    # Attestations sign the present: no link to them under a past day.
    assert "Signed attestations of these locations" in now.content.decode()
    assert "Signed attestations of these locations" not in html


def test_as_of_then_nothing_of_another_organisation_appears(client_a, client_b, history):
    # zrh1-db-1 held GAMMA's health data beside ACME's then, and holds BETA's payroll now.
    for params in [
        {},
        {"at": history.first_day},
        {"at": history.first.isoformat()},
        {"at": history.second.isoformat()},
    ]:
        html = client_a.get(URL, params).content.decode()
        for secret in NOT_ACMES:
            assert secret not in html, f"ACME's page {params} reveals {secret!r}"

    beta_then = client_b.get(URL, {"at": history.first_day})
    assert placements(beta_then) == ["gva1-vm-12"]  # not yet the payroll, and none of ACME's or GAMMA's
    html = beta_then.content.decode()
    for secret in ["gva1-vol-7", "orders", "Acme", "ACME", "GAMMA", "health data", "payroll"]:
        assert secret not in html, f"BETA's page as of then reveals {secret!r}"
    assert placements(client_b.get(URL)) == ["gva1-vm-12", "zrh1-db-1"]


def test_no_parameter_reaches_another_organisations_history(client_a, org_b, history):
    own = placements(client_a.get(URL, {"at": history.first_day}))
    for extra in [
        {"organisation": org_b.pk},
        {"organisation_id": org_b.pk, "customer": "BETA", "ref": "BETA", "org": "BETA"},
        {"customer": "GAMMA", "at": history.first_day},
    ]:
        response = client_a.get(URL, {"at": history.first_day, **extra})
        assert response.status_code == 200
        assert response.context["residency"].organisation.ref == "ACME"
        assert placements(response) == own
    for path in ["/my/placements", "/my/flows", "/my/violations"]:
        for params in [
            {"at": history.first_day, "customer": "BETA"},
            {"at": history.first_day, "organisation": org_b.pk},
        ]:
            body = client_a.get(API + path, params).content.decode()
            for secret in NOT_ACMES:
                assert secret not in body, f"{path} {params} reveals {secret!r}"


def test_the_api_answers_the_customers_own_data_as_of_then(client_a, history):
    then = client_a.get(API + "/my/placements", {"at": history.first_day}).json()
    assert [p["asset"] for p in then] == ["gva1-vol-7", "zrh1-db-1"]
    assert [p["asset"] for p in client_a.get(API + "/my/placements").json()] == ["zrh1-db-1"]
    flows_then = client_a.get(API + "/my/flows", {"at": history.first_day}).json()
    assert any(f["kind"] == "support_access" and f["country"] == "FR" for f in flows_then)
    assert not any(f["kind"] == "support_access" for f in client_a.get(API + "/my/flows").json())
    violations = client_a.get(API + "/my/violations", {"at": history.first_day}).json()
    assert {(v["asset"], v["destination"]) for v in violations} >= {("gva1-vol-7", "FR")}
    assert {v["customer"] for v in violations} == {"ACME"}


def test_the_picker_goes_from_the_historys_first_day_to_today(client_a, history):
    html = client_a.get(URL, {"at": history.first_day}).content.decode()
    picker = re.search(r'<input type="date"[^>]*>', html).group(0)
    assert f'min="{history.first_day}"' in picker and f'max="{timezone.localdate().isoformat()}"' in picker
    # Today is a day like the others: the inventory now.
    today = client_a.get(URL, {"at": timezone.localdate().isoformat()})
    assert today.status_code == 200 and placements(today) == ["zrh1-db-1"]


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("2020-01-01", "history begins on"),
        ("2999-01-01", "is in the future"),
        ("14.03.2026", "is not a date"),
    ],
)
def test_a_day_out_of_range_gets_a_clear_message_and_changes_nothing(client_a, history, at, message):
    before = (AuditEntry.objects.count(), Placement.objects.count())
    response = client_a.get(URL, {"at": at})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="as-of-error"' in html and message in html
    assert "residency" not in response.context and 'id="as-of-date"' in html  # the picker, to choose again
    assert (AuditEntry.objects.count(), Placement.objects.count()) == before
    api = client_a.get(API + "/my/placements", {"at": at})
    assert api.status_code == 400 and message in api.json()["detail"]


def test_the_page_now_costs_the_same_queries_with_or_without_the_historys_first_day_known(client_a, history):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        assert 'min="' not in client_a.get(URL).content.decode()  # not known yet: not looked up for the picker
    client_a.get(URL, {"at": history.first_day})  # an answer "as of" learns it
    with CaptureQueriesContext(connection) as after:
        assert f'min="{history.first_day}"' in client_a.get(URL).content.decode()
    assert len(after.captured_queries) == len(before.captured_queries)

"""Bad input is a 4xx with a message, never a 500 (issue 10 item 3): the nine operations a fuzzing probe
answered 500 for, and NUL characters (PostgreSQL refuses them in text: a 500 there, stored on SQLite)."""

from __future__ import annotations

import pytest
from django.test import Client

from art28.breaches.models import Incident
from art28.core.roles import Role
from art28.core.services import api_token_create
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db

TOO_BIG = [2**64, 2**63, 10**30]
NOT_IDS = [*TOO_BIG, -1, 0]


def token_client(user) -> Client:
    _, secret = api_token_create(actor=TEST_ACTOR, user=user, name="probe")
    return Client(headers={"Authorization": f"Bearer {secret}"}, raise_request_exception=False)


@pytest.fixture
def security_api(make_user) -> Client:
    return token_client(make_user("security@provider.example", Role.SECURITY))


@pytest.fixture
def incident_ref(security_api) -> str:
    payload = {
        "title": "Backup share mounted read-write",
        "aware_at": "2026-01-05T10:00:00Z",
        "started_at": "2026-01-04T10:00:00Z",
        "nature": ["confidentiality"],
    }
    response = security_api.post("/api/v1/breaches/incidents", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["ref"]


def _message(response) -> str:
    detail = response.json()["detail"]
    assert detail
    return str(detail)


@pytest.mark.parametrize("year", ["-1", "0", "10000", "99999999999999999999"])
def test_incident_list_refuses_a_year_no_calendar_has(security_api, year):
    response = security_api.get("/api/v1/breaches/incidents", {"year": year})
    assert response.status_code == 422
    assert "year" in _message(response)


def test_incident_list_still_filters_by_a_real_year(security_api, incident_ref):
    declared = Incident.objects.get(ref=incident_ref).declared_at.year
    assert [i["ref"] for i in security_api.get("/api/v1/breaches/incidents", {"year": declared}).json()] == [
        incident_ref
    ]


@pytest.mark.parametrize(
    "field", ["title", "aware_at", "started_at", "nature", "description", "consequences", "measures", "remedial_action"]
)
def test_incident_patch_refuses_null_for_a_fact_that_cannot_be_empty(security_api, incident_ref, field):
    response = security_api.patch(
        f"/api/v1/breaches/incidents/{incident_ref}", {field: None}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in _message(response)
    assert Incident.objects.get(ref=incident_ref).title == "Backup share mounted read-write"


def test_incident_patch_null_end_still_means_ongoing(security_api, incident_ref):
    response = security_api.patch(
        f"/api/v1/breaches/incidents/{incident_ref}", {"ended_at": None}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["ended_at"] is None


@pytest.mark.parametrize("change_id", NOT_IDS)
@pytest.mark.parametrize(
    ("method", "suffix", "body"), [("get", "", None), ("post", "/consent", {"consent": True}), ("post", "/object", {})]
)
def test_my_change_answers_422_for_an_id_no_row_can_have(customer_a, change_id, method, suffix, body):
    api = token_client(customer_a)
    url = f"/api/v1/subprocessors/my/changes/{change_id}{suffix}"
    response = getattr(api, method)(url, body, content_type="application/json") if body is not None else api.get(url)
    assert response.status_code == 422, response.content
    assert "change_id" in _message(response)


@pytest.mark.parametrize(("method", "suffix"), [("get", ""), ("post", "/consent"), ("post", "/object")])
def test_my_change_that_does_not_exist_is_404(customer_a, method, suffix):
    api = token_client(customer_a)
    response = getattr(api, method)(
        f"/api/v1/subprocessors/my/changes/{2**63 - 1}{suffix}", {"consent": True}, content_type="application/json"
    )
    assert response.status_code == 404, response.content
    assert _message(response)


@pytest.mark.parametrize("change_id", NOT_IDS)
@pytest.mark.parametrize(("method", "suffix"), [("get", "/"), ("post", "/consent"), ("post", "/object")])
def test_portal_change_pages_are_404_for_an_id_no_row_can_have(customer_a, change_id, method, suffix):
    client = Client(raise_request_exception=False)
    client.force_login(customer_a, backend="django.contrib.auth.backends.ModelBackend")
    response = getattr(client, method)(f"/portal/subprocessors/changes/{change_id}{suffix}")
    assert response.status_code == 404


def test_every_id_in_a_url_is_bounded():
    """Every ``<int:…>`` URL that names a row by its primary key uses the bounded ``<id:…>`` converter."""
    from django.urls import URLPattern, URLResolver, get_resolver

    unbounded: list[str] = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                for name, converter in p.pattern.converters.items():
                    if type(converter).__name__ == "IntConverter" and (name == "pk" or name.endswith("_id")):
                        unbounded.append(route)

    walk(get_resolver().url_patterns)
    assert unbounded == []


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("patch", "/api/v1/breaches/incidents/{ref}", {"title": "a\x00b"}),
        ("get", "/api/v1/breaches/incidents?phase=a%00b", None),
        ("get", "/api/v1/breaches/incidents/a%00b", None),
    ],
)
def test_nul_characters_are_refused_with_400(security_api, incident_ref, method, url, body):
    url = url.format(ref=incident_ref)
    if body is None:
        response = getattr(security_api, method)(url)
    else:
        response = getattr(security_api, method)(url, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "NUL" in _message(response)
    assert Incident.objects.get(ref=incident_ref).title == "Backup share mounted read-write"


def test_a_time_with_an_offset_postgresql_cannot_read_is_stored_in_utc(security_api):
    """JSON's date-time allows offsets to ±23:59, PostgreSQL only to ±15:59 (it was a 500 there)."""
    payload = {
        "title": "Offset far east",
        "aware_at": "2026-01-05T10:00:00+16:27",
        "started_at": "2026-01-04T10:00:00-20:00",
        "nature": ["integrity"],
    }
    response = security_api.post("/api/v1/breaches/incidents", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(ref=response.json()["ref"])
    assert incident.aware_at.isoformat() == "2026-01-04T17:33:00+00:00"
    assert incident.started_at.isoformat() == "2026-01-05T06:00:00+00:00"


def test_a_time_before_year_1_in_utc_is_a_422_naming_the_field(security_api, incident_ref):
    response = security_api.patch(
        f"/api/v1/breaches/incidents/{incident_ref}",
        {"started_at": "0001-01-01T00:00:00+10:00"},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert _message(response).startswith("started_at: ")


@pytest.mark.parametrize(
    "query",
    ["offset=99999999999999999999", "offset=-1", "limit=0", "limit=1001", "authorisation=sometimes"],
)
def test_contract_paging_and_filter_are_bounded_in_the_document_and_refused_with_422(make_user, query):
    """An offset beyond 64 bits overflowed SQLite's OFFSET (a 500); each bound is in the schema now."""
    api = token_client(make_user("dpo@provider.example", Role.DPO))
    response = api.get(f"/api/v1/subprocessors/contracts?{query}")
    assert response.status_code == 422, response.content
    assert query.split("=")[0] in _message(response)
    assert response.json()["errors"]

"""The OpenAPI document says what every operation answers (issue 10 item 4): each error status with the one
shared ``Error`` schema, and the errors the API really answers fit it."""

from __future__ import annotations

import jsonschema
import pytest
from django.test import Client
from ninja import Schema

from art28.api.urls import api
from art28.core.services import api_token_create
from tests.conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db
ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


@pytest.fixture(scope="module")
def document() -> dict:
    return api.get_openapi_schema()


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_its_error_statuses_with_the_error_schema(document):
    missing = []
    for label, operation in _operations(document):
        expected = {"400", "401", "403", "422"}
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            expected.add("404")
        for status in sorted(expected):
            response = operation["responses"].get(status)
            if response is None or response.get("content") != ERROR_REF:
                missing.append(f"{label} {status}")
    assert missing == []


def test_no_two_schemas_share_a_name():
    """The document names each schema by its class name: two classes of one name would be merged into one
    (breaches' notice texts were documented as the DPO desk's ``{"text"}``)."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names: dict[str, str] = {}
    clashes = []
    for cls in subclasses(Schema):
        if not cls.__module__.startswith("art28."):
            continue
        where = f"{cls.__module__}.{cls.__qualname__}"
        if cls.__name__ in names and names[cls.__name__] != where:
            clashes.append(f"{names[cls.__name__]} and {where}")
        names.setdefault(cls.__name__, where)
    assert clashes == []


def test_notice_texts_are_documented_as_subject_and_body(document):
    texts = document["components"]["schemas"]["NoticeIn"]["properties"]["texts"]["additionalProperties"]
    target = document["components"]["schemas"][texts["$ref"].rsplit("/", 1)[1]]
    assert set(target["required"]) == {"subject", "body"}


def _error_validator(document):
    schema = {"$ref": "#/components/schemas/Error", "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_the_errors_the_api_answers_fit_the_error_schema(document, customer_a):
    _, secret = api_token_create(actor=TEST_ACTOR, user=customer_a, name="probe")
    api_client = Client(headers={"Authorization": f"Bearer {secret}"})
    validator = _error_validator(document)
    answers = {
        401: Client().get("/api/v1/subprocessors/my/changes"),
        403: api_client.get("/api/v1/breaches/incidents"),
        404: api_client.get("/api/v1/subprocessors/my/changes/12345"),
        422: api_client.get("/api/v1/subprocessors/my/changes/0"),
        400: api_client.get("/api/v1/subprocessors/my/changes?x=%00"),
    }
    for status, response in answers.items():
        assert response.status_code == status, (status, response.content)
        body = response.json()
        validator.validate(body)
        assert body["detail"] and body["detail"] != "Not Found"
    assert answers[422].json()["errors"][0]["loc"] == ["path", "change_id"]
    assert answers[422].json()["detail"].startswith("path.change_id: ")
    assert answers[404].json()["detail"] == "no such change for your organisation"

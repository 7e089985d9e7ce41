"""The API does what its OpenAPI document says (issue 10 item 4): schemathesis generates requests from the
document served by the live test server, as a customer and as staff (API tokens), valid and invalid, with a
fixed seed, and every response must be no server error, a status the document lists for that operation,
and a body that matches the schema it declares for that status.

A request the schema calls valid is accepted (2xx), or refused for who asks or what exists (401, 403, 404),
or refused by a rule of the current state that no JSON schema can say ("no consent is needed under a general
authorisation"): a 400/422 with the rule's message and no ``errors`` list. A 422 *with* ``errors`` means the
request did not fit the schema the server validates against, so the document and the server disagree.
Text with NUL characters is not generated: the document says every operation answers it with 400.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from art28.breaches.services import incident_declare
from art28.core.roles import Role
from art28.core.services import api_token_create
from art28.dpo.services import request_submit
from art28.legal.models import DocumentKind
from art28.legal.services import document_create, version_draft, version_publish
from art28.residency.services import attestation_issue
from art28.subprocessors.changes import change_draft
from tests.breaches.fixtures import hours_ago
from tests.conftest import TEST_ACTOR
from tests.subprocessors.fixtures import WEB, announced_addition, new_subprocessor, sp_world  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

# Per operation, role and mode: enough to find the classes of fault, small enough to run in CI twice.
EXAMPLES = 4
ACCEPTED = {401, 403, 404, 409}


def _token(user) -> dict[str, str]:
    _, secret = api_token_create(actor=TEST_ACTOR, user=user, name="schemathesis")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def fuzz_world(sp_world, make_user, signing_key):  # noqa: F811
    """Customers with contracts, sub-processors, an announced change, a draft, an incident, published terms
    with a draft, a DPO request and an attestation: enough for the
    operations that write to find something to write on. ``known`` gives, per path prefix, the path
    parameters of objects that exist, so that a second pass reaches past the 404."""
    staff = make_user("admin@provider.example", Role.ADMIN)
    customer = make_user("alice@acme.example", Role.CUSTOMER_ADMIN, sp_world.acme)
    announced = announced_addition([WEB])
    draft = change_draft(
        actor=TEST_ACTOR,
        kind="addition",
        subprocessor=new_subprocessor("sendgrid-us"),
        summary="A second mail relay.",
        services=[WEB],
    )
    incident = incident_declare(
        actor=staff,
        title="Backup share mounted read-write",
        aware_at=hours_ago(2),
        started_at=hours_ago(30),
        natures=["confidentiality"],
    )
    terms = document_create(
        actor=TEST_ACTOR, slug="terms", kind=DocumentKind.TERMS, title="Terms", requires_acceptance=True
    )
    first = version_draft(actor=TEST_ACTOR, document=terms, body="# Terms\n\nOne.", change_summary="")
    version_publish(actor=TEST_ACTOR, version=first, effective_on=timezone.localdate())
    version_draft(actor=TEST_ACTOR, document=terms, body="# Terms\n\nTwo.", change_summary="")
    dpo_request = request_submit(
        received_at=timezone.now(),
        kind="access",
        name="Petra Muster",
        email="petra@example.net",
        country="CH",
        language="de",
        message="Welche Daten haben Sie über mich?",
        concerns="shop.acme.example",
        controller_kind="provider",
    )
    attestation = attestation_issue(actor=customer, organisation=sp_world.acme)
    known = {
        "/api/v1/legal/documents/{slug}": {"slug": "terms", "number": 2},
        "/api/v1/dpo/requests/": {"reference": dpo_request.reference},
        "/api/v1/residency/my/attestations/": {"public_id": str(attestation.public_id)},
        "/api/v1/breaches/incidents/{ref}": {"ref": incident.ref, "sequence": 1},
        "/api/v1/subprocessors/my/changes/": {"change_id": announced.pk},
        "/api/v1/subprocessors/changes/": {"change_id": draft.pk},
        "/api/v1/subprocessors/contracts/": {"ref": "ACME"},
        "/api/v1/subprocessors/{slug}": {"slug": "sendgrid-us"},
        "/api/v1/records/controllers/": {"ref": "ACME"},
        "/api/v1/legal/dpa/": {"ref": "ACME"},
    }
    return {"staff": _token(staff), "customer": _token(customer), "known": known}


def _known_parameters(path: str, known: dict[str, dict]) -> dict | None:
    for prefix, parameters in known.items():
        if path.startswith(prefix):
            return {name: value for name, value in parameters.items() if "{" + name + "}" in path}
    return None


def valid_request_accepted(ctx, response, case) -> bool | None:
    """schemathesis's positive_data_acceptance, except that a rule's refusal (400/422 without ``errors``) is
    an answer the document allows: see the module's docstring."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if 200 <= status < 300 or status in ACCEPTED:
        return None
    body = response.json() if response.headers.get("content-type", [""])[0].startswith("application/json") else {}
    assert status in (400, 422) and "errors" not in body, (
        f"a request the document calls valid was refused with {status}: {response.text[:500]}"
    )
    return None


def _fuzz(schema, base_url: str, headers: dict[str, str], mode: GenerationMode, known: dict) -> list[str]:
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        strategies = [operation.as_strategy(generation_mode=mode)]
        parameters = _known_parameters(operation.path, known)
        if parameters and mode is GenerationMode.POSITIVE:  # and valid requests again on objects that exist
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=parameters))
        for strategy in strategies:

            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def check(case):
                case.call_and_validate(
                    base_url=base_url,
                    headers=headers,
                    excluded_checks=[positive_data_acceptance],
                    additional_checks=[valid_request_accepted],
                )

            try:
                check()
            except (AssertionError, BaseExceptionGroup) as exc:  # collect every operation's finding, fail once
                failures.append(f"{mode.value} {operation.label}: {exc}")
    return failures


@pytest.mark.parametrize("role", ["customer", "staff"])
def test_the_api_answers_what_its_document_says(live_server, fuzz_world, role):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    schema.config.generation.update(allow_x00=False)
    failures = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        failures += _fuzz(schema, live_server.url, fuzz_world[role], mode, fuzz_world["known"])
    assert not failures, "\n\n".join(failures)

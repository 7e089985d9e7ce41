"""The API's one error shape, the statuses each operation documents, and the handlers that keep the two true.

Every error answer is ``{"detail": "<what is wrong>"}``; a request that does not fit its schema (422) also
lists each fault under ``errors`` (``loc``, ``msg``, ``type``), with ``detail`` naming them in one line. The
OpenAPI document lists, for every operation, each status it can answer besides its success (docs/api.md):

- 400: NUL characters in the path, query or body, a JSON body nested too deeply or not JSON at all;
- 401: no valid token (or staff session);
- 403: the caller's role may not do this;
- 404: the object named in the path (or in the body, where an operation looks one up) does not exist or
  belongs to another organisation (the two look alike, so that ids reveal nothing);
- 422: the request does not fit the schema, or breaks a rule (the rule's message, naming the field);
- 503 (issuing attestations only): the provider has no signing key.

The residency operations that take ``at`` also answer 400 when it is not a moment, is in the future or is
before the inventory's history begins.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError

ERROR_STATUSES = {
    400: "NUL characters, a body that is not JSON or is nested too deeply, or a request refused whole",
    401: "No valid API token (Authorization: Bearer …) or staff session",
    403: "The caller's role may not do this",
    404: "No such object (or another organisation's: the two look alike)",
    422: "The request does not fit the schema, or breaks a rule: the message names the field",
}
# Operations (by operationId) that answer a status beyond those above, or a 404 without a path parameter.
_AT_REFUSED = {
    400: ERROR_STATUSES[400] + "; or `at` is not a date or date-time, is in the future, or is before the "
    "inventory's history begins (the message says when it begins)"
}
EXTRA_STATUSES: dict[str, dict[int, str]] = {
    "art28_residency_api_my_attestation_issue": {503: "The provider has no signing key: attestations cannot be signed"},
    "art28_residency_api_audit": _AT_REFUSED,
    "art28_residency_api_my_placements": _AT_REFUSED,
    "art28_residency_api_my_flows": _AT_REFUSED,
    "art28_residency_api_my_violations": _AT_REFUSED,
}
LOOKUPS_404 = {
    # Operations without a path parameter that look an object up: one named in the body (a customer's
    # reference, a sub-processor …), or the one a customer's DPA is generated from.
    "art28_subprocessors_api_draft",
    "art28_subprocessors_api_update_change",
    "art28_subprocessors_api_resolve",
    "art28_breaches_api_declare",
    "art28_legal_api_my_accept",
    "art28_dpo_api_request_forward_api",
    "art28_legal_api_my_dpa",
}


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class Error(Schema):
    """Every error the API answers."""

    detail: str
    errors: list[FieldError] | None = None


def _location(loc: Any) -> str:
    parts = [str(part) for part in loc if part not in ("body", "payload")]
    return ".".join(parts) or "body"


def validation_error(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    """422: ``detail`` names every fault in one line; ``errors`` lists them for programs."""
    errors = [
        {"loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")), "type": str(error.get("type", ""))}
        for error in exc.errors
    ]
    detail = "; ".join(f"{_location(error['loc'])}: {error['msg']}" for error in errors) or "invalid request"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def not_found(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    """404 with the selector's own message ("no change 7") rather than a bare "Not Found"."""
    message = str(exc) if isinstance(exc, Http404) and exc.args else ""
    return api.create_response(request, {"detail": message or "Not Found"}, status=404)


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared Error schema and, to every operation, each error status it can answer."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["FieldError"] = FieldError.model_json_schema()
    error_schema = Error.model_json_schema(ref_template="#/components/schemas/{model}")
    error_schema.pop("$defs", None)
    components["Error"] = error_schema
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = dict(ERROR_STATUSES)
            has_path_parameter = any(p.get("in") == "path" for p in operation.get("parameters", []))
            if not has_path_parameter and operation.get("operationId") not in LOOKUPS_404:
                statuses.pop(404)
            statuses.update(EXTRA_STATUSES.get(operation.get("operationId", ""), {}))
            for status, description in sorted(statuses.items()):
                operation["responses"].setdefault(str(status), {"description": description, "content": reference})
    return schema

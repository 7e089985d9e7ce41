"""Every page and API operation, as the URL resolver and the OpenAPI document list them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", "" for an unnamed pattern
    pattern: str  # the full pattern, for messages
    callback: Any


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, (namespace, p.namespace)))
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield Route(name=name, pattern=prefix + str(p.pattern), callback=p.callback)


def url_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def is_api_operation(route: Route) -> bool:
    """The API's operations are named by their OpenAPI operation id, in the table's OPERATION_ROLES."""
    return getattr(route.callback, "__module__", "") == "ninja.operation"


def url_names() -> list[str]:
    """Every page's URL name (the API's operations aside)."""
    return sorted({r.name for r in url_routes() if r.name and not is_api_operation(r)})


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str  # e.g. /api/v1/dpo/requests/{reference}
    body_schema: dict | None
    query: dict  # the required query parameters, with small values the schema accepts


def api_operations() -> list[Operation]:
    from art28.api.urls import api

    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            query = {
                p["name"]: minimal_body(_resolve(p.get("schema", {}), schema))
                for p in op.get("parameters", [])
                if p.get("in") == "query" and p.get("required")
            }
            ops.append(
                Operation(op["operationId"], method.upper(), path, _resolve(body, schema) if body else None, query)
            )
    return sorted(ops, key=lambda o: o.operation_id)


def _resolve(node: Any, schema: dict) -> Any:
    """The schema with every ``$ref`` replaced by what it names."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = schema
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return _resolve(target, schema)
        return {k: _resolve(v, schema) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, schema) for v in node]
    return node


def minimal_body(schema: dict | None) -> Any:
    """A small body that the schema accepts (its required fields only), so that a refused caller's
    request passes validation and meets the role check rather than a 422."""
    if not schema:
        return None
    if "anyOf" in schema or "oneOf" in schema:
        options = [s for s in schema.get("anyOf", schema.get("oneOf", [])) if s.get("type") != "null"]
        return minimal_body(options[0]) if options else None
    if "allOf" in schema:
        return minimal_body(schema["allOf"][0])
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {name: minimal_body(props.get(name, {})) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "date":
        return "2026-01-15"
    if fmt == "date-time":
        return "2026-01-15T10:00:00Z"
    if fmt == "email":
        return "someone@example.net"
    if fmt == "uuid":
        return "00000000-0000-4000-8000-000000000000"
    return "x" * max(1, schema.get("minLength", 1))

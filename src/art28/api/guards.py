"""Input every API operation refuses before it runs: text with NUL characters, and JSON bodies too
deeply nested to parse.

PostgreSQL's text types cannot hold U+0000 (psycopg raises ``ValueError``), so a NUL in a path, a
query or a JSON string would be a 500 there (and stored as is on SQLite): the API answers 400 on both.
A body nested deeper than Python's recursion limit would end ``json.loads`` in ``RecursionError``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

NUL = "\x00"


def _has_nul(value: Any) -> bool:
    """Whether any string in a parsed JSON document (keys included) holds a NUL (iterative: no recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def refusal(request: HttpRequest, path_values: dict[str, Any]) -> str | None:
    """Why this request is refused before its operation runs, or None."""
    if NUL in request.path or any(NUL in str(v) for v in path_values.values()):
        return "NUL characters are not allowed in the path"
    if any(NUL in key or NUL in value for key, values in request.GET.lists() for value in values):
        return "NUL characters are not allowed in query parameters"
    if request.method in ("POST", "PUT", "PATCH") and request.content_type == "application/json" and request.body:
        try:
            document = json.loads(request.body)
        except RecursionError:
            return "the JSON body is nested too deeply"
        except ValueError:
            return None  # not JSON: the operation's own parser says so (400 "Cannot parse request body")
        if _has_nul(document):
            return "NUL characters are not allowed in the JSON body"
    return None


def guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view`` answering 400 ``{"detail": reason}`` for the input of ``refusal``."""

    @functools.wraps(view)
    def guarded_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        reason = refusal(request, kwargs)
        if reason is not None:
            return JsonResponse({"detail": reason}, status=400)
        return view(request, *args, **kwargs)

    return guarded_view

"""Shared pieces of the breach commands (art28 breach-declare, -impact, -notify, -register)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, NoReturn

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

USAGE_ERROR = 2


def add_scope_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--asset", action="extend", nargs="+", default=[], metavar="REF", help="An asset (and all below it)."
    )
    parser.add_argument(
        "--site", action="extend", nargs="+", default=[], metavar="CODE", help="A site (assets located there)."
    )
    parser.add_argument(
        "--service",
        action="extend",
        nargs="+",
        default=[],
        metavar="NAME",
        help="A service (its assets and all below).",
    )


def parse_time(value: str | None, option: str) -> dt.datetime | None:
    """ISO 8601; a time without a zone is read in the provider's zone (TIME_ZONE)."""
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not an ISO 8601 time (e.g. 2026-03-01T14:05+01:00)")
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def required_time(value: str, option: str) -> dt.datetime:
    parsed = parse_time(value, option)
    assert parsed is not None
    return parsed


def fail(message: str) -> NoReturn:
    """Exit 2 with the message on standard error: the command was misused, nothing changed."""
    raise CommandError(message, returncode=USAGE_ERROR)


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)

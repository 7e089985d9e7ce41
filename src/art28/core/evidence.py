"""The registry of evidence collectors (S2; docs/evidence.md).

art28's modules already produce the evidence of the provider's controls: residency audits, attestations,
the breach register, sub-processor notices, DPO deadlines, measure reviews, intrusion tests, isolation
runs, security-update service levels. Each domain app registers here, in its ``AppConfig.ready()``, the
functions that turn its own history into evidence items; the evidence app stores them, dates them and
ages them, and imports no domain app (the registry is in core, so the arrows stay web → domain → core).

A collector is called with a window ``[since, until)`` and yields what became true in it, each item with
``effective_at`` (what it proves is true as of, inside the window), never the moment of collection. Run
over a past window it reproduces the evidence of that past from the module's records; the same source
always gives the same ``key``, so collecting twice stores nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Collected:
    """One evidence item as a collector finds it. ``data`` is JSON and holds no personal data (counts,
    references, dates): it goes into the auditor's pack as it is. ``passed`` False says the item shows a
    problem (violations found, a deadline missed): the controls it supports are then *failing*."""

    key: str
    title: str
    effective_at: dt.datetime
    data: dict[str, Any]
    passed: bool = True
    valid_until: dt.date | None = None  # None: the collector's valid_days after effective_at
    organisation_id: int | None = None  # the customer it concerns, if only one (its own pack carries it)
    controls: tuple[str, ...] = ()  # control refs this item supports besides its collector's (a review's measure)
    # A document that is itself the evidence (a signed attestation): (file name, bytes); it goes into the
    # auditor's pack as a file of its own, its SHA-256 in the item's hash.
    attachment: tuple[str, bytes] | None = None


@dataclass(frozen=True)
class Collector:
    key: str  # "<app>.<what>", e.g. "residency.audit"
    title: str | Promise
    proves: str | Promise  # one sentence: what an item of it proves (shown to staff and in the docs)
    valid_days: int  # how long an item stays valid evidence when it does not say
    collect: Callable[[dt.datetime, dt.datetime], Iterable[Collected]]
    controls: tuple[str, ...] = field(default=())  # the control refs it supports by default (the demo's)


_REGISTRY: dict[str, Collector] = {}


def register_collector(
    key: str, *, title: str | Promise, proves: str | Promise, valid_days: int, controls: tuple[str, ...] = ()
) -> Callable[[Callable[[dt.datetime, dt.datetime], Iterable[Collected]]], Callable[..., Iterable[Collected]]]:
    """Decorate a ``collect(since, until)`` function to register it under ``key`` (once per process)."""

    def register(function: Callable[[dt.datetime, dt.datetime], Iterable[Collected]]) -> Callable[..., Any]:
        if key in _REGISTRY and _REGISTRY[key].collect is not function:
            raise RuntimeError(f"evidence collector {key!r} is registered twice")
        _REGISTRY[key] = Collector(key, title, proves, valid_days, function, controls)
        return function

    return register


def collectors() -> list[Collector]:
    """Every registered collector, by key."""
    return [_REGISTRY[key] for key in sorted(_REGISTRY)]


def collector(key: str) -> Collector | None:
    return _REGISTRY.get(key)

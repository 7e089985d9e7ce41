"""Residency's evidence collectors (S1 as evidence for S2; core/evidence.py, docs/evidence.md).

* ``residency.audit``: one item per ISO week, the residency audit as the inventory stood when the week
  ended (the following Monday 00:00 in ART28_TIME_ZONE), read from the inventory's history: the promise
  "data never leaves the allowed countries" checked week by week (GDPR Art. 28(3)(h), Art. 32(1)(d):
  regularly testing the measures; nFADP Art. 8, DSV Art. 3).
* ``residency.attestation``: each signed attestation issued, with the SHA-256 of the document the
  customer holds, so that an auditor can match the customer's file to the provider's record.

Both read only this app's engine and records, and the inventory's history (``inventory.as_of``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from art28.core.audit import jsonable
from art28.core.evidence import Collected, register_collector
from art28.inventory.as_of import earliest_history, inventory_as_of
from art28.inventory.models import Flow, Placement
from art28.residency.engine import REASONS, iter_cause_tallies
from art28.residency.models import Attestation

AUDIT_CONTROLS = ("tom-b-data-residency",)

# What the audit looked at, read from the same "as of" copies as the audit itself: one statement.
_PLACEMENT, _FLOW = Placement._meta.db_table, Flow._meta.db_table
_CHECKED = (
    f"SELECT (SELECT COUNT(*) FROM {_PLACEMENT}), (SELECT COUNT(*) FROM {_FLOW}), "
    f"(SELECT COUNT(DISTINCT customer_id) FROM {_PLACEMENT})"
)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def week_ends(since: dt.datetime, until: dt.datetime) -> Iterator[tuple[str, dt.datetime]]:
    """(ISO week, its end) for every week whose end, the following Monday 00:00 in the project's time zone,
    lies in ``[since, until)``; the week is named after its own Monday to Sunday ("2026-W48")."""
    zone = timezone.get_default_timezone()
    day = since.astimezone(zone).date()
    monday = day + dt.timedelta(days=(7 - day.weekday()) % 7)
    while True:
        end = timezone.make_aware(dt.datetime.combine(monday, dt.time()), zone)
        if end >= until:
            return
        if end >= since:
            year, week, _weekday = (monday - dt.timedelta(days=1)).isocalendar()
            yield f"{year}-W{week:02d}", end
        monday += dt.timedelta(days=7)


def _audit_at(at: dt.datetime) -> dict[str, Any]:
    """The audit's findings counted as of ``at`` (call inside ``inventory_as_of(at)``): the statements of
    ``run_audit(at=at)``, counted in the database by cause and customer (a summary of 400,000 findings
    reads a few thousand rows)."""
    by_reason = dict.fromkeys(REASONS, 0)
    customers: set[str] = set()
    for reason, _kind, _cause, _country, customer, count in iter_cause_tallies(at=at):
        by_reason[reason] = by_reason.get(reason, 0) + count
        customers.add(customer)
    with connection.cursor() as cursor:
        cursor.execute(_CHECKED)
        placements, flows, holders = cursor.fetchone()
    return {
        "violations": sum(by_reason.values()),
        "by_reason": by_reason,
        "customers_affected": len(customers),
        "customers_checked": holders,
        "placements_checked": placements,
        "flows_checked": flows,
    }


@register_collector(
    "residency.audit",
    title=_("Weekly residency audit"),
    proves=_(
        "Every week, every placement and data flow of customer data was checked against each customer's "
        "allowed countries, as the inventory stood when the week ended; an item fails when any was outside."
    ),
    valid_days=8,
    controls=AUDIT_CONTROLS,
)
def collect_audits(since: dt.datetime, until: dt.datetime) -> Iterator[Collected]:
    """One item per week ending in ``[since, until)`` (and by now), from the inventory's history: a week that
    ended before the history begins has no answer and gives no item (an empty inventory would read as
    compliant). The copies of the past are built and dropped for each week before its item is yielded."""
    earliest = earliest_history()
    if earliest is None:
        return
    now = timezone.now()
    for week, end in week_ends(since, until):
        if end < earliest or end > now:
            continue
        with inventory_as_of(end):
            found = _audit_at(end)
        violations = found["violations"]
        yield Collected(
            key=week,
            title=f"Residency audit of week {week}: {_count(violations, 'violation')}",
            effective_at=end,
            data={"week": week, "as_of": jsonable(end)} | found,
            passed=violations == 0,
        )


def _document_facts(document: str) -> dict[str, Any]:
    """What the signed document lists (its ``attestation``, the statement that was signed), as counts."""
    statement = json.loads(document).get("attestation", {})
    return {
        "countries": list(statement.get("countries", [])),
        "allowed_countries": list(statement.get("policy", {}).get("allowed_countries", [])),
        "sites": len(statement.get("sites", [])),
        "placements": len(statement.get("placements", [])),
        "flows": len(statement.get("flows", [])),
        "violations": len(statement.get("violations", [])),
    }


@register_collector(
    "residency.attestation",
    title=_("Signed residency attestations"),
    proves=_(
        "A customer received a statement, signed with the provider's published key, of where its data was on "
        "a given day; the SHA-256 matches the file the customer holds. It fails when it attests a violation."
    ),
    valid_days=90,
    controls=AUDIT_CONTROLS,
)
def collect_attestations(since: dt.datetime, until: dt.datetime) -> Iterator[Collected]:
    """One item per attestation signed in ``[since, until)`` (one query), effective when it was signed; it
    speaks for ``as_of`` (that moment, or an earlier one read from the inventory's history). The data names
    no person: the document's counts and countries, not its customer's name or sites' names."""
    rows = (
        Attestation.objects.filter(issued_at__gte=since, issued_at__lt=until)
        .order_by("issued_at", "pk")
        .values_list("public_id", "organisation_id", "as_of", "issued_at", "key_id", "compliant", "document")
    )
    for public_id, organisation_id, as_of, issued_at, key_id, compliant, document in rows.iterator(chunk_size=500):
        listed = _document_facts(document)
        yield Collected(
            key=str(public_id),
            title=f"Residency attestation as of {timezone.localdate(as_of).isoformat()}: "
            + ("no violation" if compliant else _count(listed["violations"], "violation")),
            effective_at=issued_at,
            data={
                "attestation": str(public_id),
                "as_of": jsonable(as_of),
                "issued_at": jsonable(issued_at),
                "key_id": key_id,
                "compliant": compliant,
                **listed,
                "document_sha256": hashlib.sha256(document.encode()).hexdigest(),
            },
            passed=compliant,
            organisation_id=organisation_id,
            # The signed document itself, as the customer downloads it: the auditor's pack carries it and
            # `art28 attestation-verify` checks it offline.
            attachment=(f"attestation-{public_id}.json", document.encode()),
        )

"""The incidents of one service, as counts only (what a customer's DPIA may read of them: GDPR Art. 28(3)(f)
with Art. 35(7)(c), the risks; docs/dpia.md). No title, no description, no other customer: an incident
counts, with its latest ENISA level and its natures, and whether it touched the asking customer's data.

An incident is on the service when, since ``since`` (the provider became aware of it then or later),

* the service is in its scope;
* one of its scoped assets is an asset of the service, lies below one, or holds one (a host whose VMs
  serve it): the asset tree as the impact engine reads it (breaches.impact);
* one of its scoped sites is where an asset of the service is; or
* its frozen impact (``AffectedCustomer``, GDPR Art. 33(3)(a)) names one of the customer's assets on
  the service: a copy of the customer's data carried by a flow into the scope (a backup store's breach
  touches the data backed up there).

Two statements, whatever the size of the inventory: the service's assets and those above them in one
recursive CTE, then the frozen rows of the customer alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection

from art28.breaches.models import AffectedCustomer, Nature
from art28.breaches.severity import LEVELS

UNASSESSED = "unassessed"

# The service's assets (those naming it and everything below them), and the assets above them.
_SERVICE_TREE = """
WITH RECURSIVE
down(id) AS (
    SELECT id FROM inventory_asset WHERE service_id = %(service)s
    UNION
    SELECT child.id FROM down JOIN inventory_asset child ON child.parent_id = down.id
),
up(id) AS (
    SELECT a.parent_id FROM inventory_asset a WHERE a.id IN (SELECT id FROM down) AND a.parent_id IS NOT NULL
    UNION
    SELECT a.parent_id FROM up JOIN inventory_asset a ON a.id = up.id WHERE a.parent_id IS NOT NULL
)
"""

_ON_SERVICE = (
    _SERVICE_TREE
    + """
SELECT i.id, i.confidentiality, i.integrity, i.availability,
       (SELECT sa.level FROM breaches_severityassessment sa WHERE sa.incident_id = i.id
        ORDER BY sa.assessed_at DESC, sa.id DESC LIMIT 1)
FROM breaches_incident i
WHERE i.aware_at >= %(since)s AND (
    EXISTS (SELECT 1 FROM breaches_incident_services s WHERE s.incident_id = i.id AND s.service_id = %(service)s)
    OR EXISTS (SELECT 1 FROM breaches_incident_assets x WHERE x.incident_id = i.id
               AND (x.asset_id IN (SELECT id FROM down) OR x.asset_id IN (SELECT id FROM up)))
    OR EXISTS (SELECT 1 FROM breaches_incident_sites x JOIN inventory_asset a ON a.location_id = x.site_id
               WHERE x.incident_id = i.id AND a.id IN (SELECT id FROM down))
    OR i.id IN ({touching})
)
"""
)

# Of some asset references, those of the service's assets (ended ones too: a frozen impact is history).
_REFS_ON_SERVICE = (
    _SERVICE_TREE + "SELECT a.ref FROM inventory_asset a WHERE a.id IN (SELECT id FROM down) AND a.ref IN ({refs})"
)


@dataclass(frozen=True)
class ServiceIncidents:
    """Counts of a service's incidents: by latest ENISA level (``unassessed`` when none), by nature (an
    incident may have several), and how many touched the customer's data on the service."""

    total: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    by_nature: dict[str, int] = field(default_factory=dict)
    touching_customer: int = 0


def _touching_customer(service_id: int, organisation_id: int, since: dt.datetime) -> set[int]:
    """Incidents whose frozen impact names one of the customer's assets on the service."""
    rows = AffectedCustomer.objects.filter(
        organisation_id=organisation_id, still_affected=True, incident__aware_at__gte=since
    ).values_list("incident_id", "assets")
    refs_of = {incident_id: {ref for ref in assets.splitlines() if ref} for incident_id, assets in rows}
    refs = sorted(set().union(*refs_of.values())) if refs_of else []
    if not refs:
        return set()
    placeholders = ", ".join(["%s"] * len(refs))
    sql = _REFS_ON_SERVICE.replace("%(service)s", "%s").format(refs=placeholders)
    with connection.cursor() as cursor:
        cursor.execute(sql, [service_id, *refs])
        on_service = {ref for (ref,) in cursor.fetchall()}
    return {incident_id for incident_id, found in refs_of.items() if found & on_service}


def service_incidents(service_id: int, *, since: dt.datetime, organisation_id: int) -> ServiceIncidents:
    """The counts of the incidents on the service since ``since``, for one customer's DPIA."""
    touching = _touching_customer(service_id, organisation_id, since)
    sql = _ON_SERVICE.format(touching=", ".join(str(int(pk)) for pk in sorted(touching)) or "NULL")
    with connection.cursor() as cursor:
        cursor.execute(sql, {"service": service_id, "since": since})
        rows = cursor.fetchall()
    levels = Counter(level or UNASSESSED for *_rest, level in rows)
    natures: Counter[str] = Counter()
    for _pk, confidentiality, integrity, availability, _level in rows:
        for nature, lost in zip(Nature.values, (confidentiality, integrity, availability), strict=True):
            natures[nature] += bool(lost)
    return ServiceIncidents(
        total=len(rows),
        by_level={level: levels.get(level, 0) for level in (*LEVELS, UNASSESSED)},
        by_nature={nature: natures.get(nature, 0) for nature in Nature.values},
        touching_customer=len(touching),
    )

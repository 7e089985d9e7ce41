"""The residency audit: every placement or flow of customer data outside the allowed countries (S1).

Set-based: four SQL statements over the whole inventory, whatever its size.

* ``stored-outside``: a placement's asset is located (its own site, else its nearest ancestor's) in a
  country the customer does not allow.
* ``unknown-location``: the asset has no site in its ancestry, or its site's country is unknown; or a
  flow carries the data to a place whose country is unknown (then ``destination`` is set).
* ``flow-outside``: a flow carries the data to a country the customer does not allow. A flow from an
  asset carries the data of every placement on that asset or below it, and data that a flow brings to
  another asset travels on with that asset's own flows (and those of its ancestors).
* ``subprocessor-outside``: a sub-processor in use processes the data of a service in a country the
  customer does not allow. The customers of a service are those with placements on its assets or below
  them; a sub-processor engaged by another works for its engagers' services too (GDPR Art. 28(4)). A
  change that does not apply to a customer (an objection, a missing consent: Art. 28(2), DSV Art. 7)
  keeps the new sub-processor away from that customer's data, and a customer moved to the new one by
  a replacement no longer counts for the old one. ``destination`` is the sub-processor's slug.
* ``subprocessor-unauthorised``: a sub-processor in use works on the data of a customer that has no
  recorded authorisation (no ``subprocessors.Contract``): GDPR Art. 28(2), nFADP Art. 9(3) and DSV
  Art. 7 ask for a PRIOR WRITTEN one, and there is no default. The same customers of a service, the same
  chain (Art. 28(4)) and the same changes keeping a sub-processor away as ``subprocessor-outside``; one
  finding per (customer, sub-processor), whatever the countries: ``asset``, ``site`` and ``country`` are
  null, ``destination`` is the slug. Mirrored by ``subprocessors.rules.unauthorised_subprocessors``.

The promise is "never leaves Switzerland", so any place outside the allowed countries is flagged,
whatever the legal basis of the transfer (PRODUCT.md, "Transfers").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from art28.inventory.engine import DESTINATION_COUNTRY, drive_joins_by_index, flows_reaching_ctes

STORED_OUTSIDE = "stored-outside"
FLOW_OUTSIDE = "flow-outside"
UNKNOWN_LOCATION = "unknown-location"
SUBPROCESSOR_OUTSIDE = "subprocessor-outside"
SUBPROCESSOR_UNAUTHORISED = "subprocessor-unauthorised"
REASONS = (STORED_OUTSIDE, FLOW_OUTSIDE, UNKNOWN_LOCATION, SUBPROCESSOR_OUTSIDE, SUBPROCESSOR_UNAUTHORISED)
# Findings about a customer as a whole, not a place: no asset, site or country.
WITHOUT_PLACE = frozenset({SUBPROCESSOR_UNAUTHORISED})


@dataclass(frozen=True, slots=True)
class Violation:
    customer: str
    asset: str | None
    site: str | None
    country: str | None
    allowed: list[str]
    reason: str
    destination: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# The customer's allowed countries as ';CH;LI;' (its own list, else the provider default), so that
# "is X allowed" is one LIKE on both SQLite and PostgreSQL.
_ALLOWED = "(';' || COALESCE(NULLIF(o.allowed_countries, ''), %(default_allowed)s) || ';')"
_NOT_ALLOWED = "{allowed} NOT LIKE ('%%;' || {country} || ';%%')"

# Countries that at least one customer's policy forbids. Policies are few (most customers use the
# default), so this is cheap, and it lets both statements skip the bulk of the inventory that sits
# where everyone allows it: their cost follows the findings, not the number of placements.
_POLICY = f"policy(allowed) AS MATERIALIZED (SELECT DISTINCT {_ALLOWED} FROM core_organisation o)"
_FOREIGN_COUNTRIES = f"""
{_POLICY},
place_country(country) AS MATERIALIZED (
    SELECT country FROM inventory_site WHERE country <> ''
    UNION
    SELECT to_country FROM inventory_flow WHERE to_country <> ''
),
foreign_country(country) AS MATERIALIZED (
    SELECT pc.country FROM place_country pc
    WHERE EXISTS (SELECT 1 FROM policy WHERE {_NOT_ALLOWED.format(allowed="policy.allowed", country="pc.country")})
)"""

# Placements at a site that is foreign to someone or of unknown country, then those on assets
# with no site anywhere up their tree.
_STORED = f"""
WITH {_FOREIGN_COUNTRIES},
suspect_site(id) AS MATERIALIZED (
    SELECT id FROM inventory_site WHERE country = '' OR country IN (SELECT country FROM foreign_country)
)
SELECT o.ref, a.ref, s.code, NULLIF(s.country, ''), {_ALLOWED},
       CASE WHEN s.country = '' THEN '{UNKNOWN_LOCATION}' ELSE '{STORED_OUTSIDE}' END, NULL
FROM suspect_site
{{by_index:inventory_asset a:a.location_id = suspect_site.id}}
{{by_index:inventory_placement p:p.asset_id = a.id}}
JOIN inventory_site s ON s.id = a.location_id
JOIN core_organisation o ON o.id = p.customer_id
WHERE (s.country = '' OR {_NOT_ALLOWED.format(allowed=_ALLOWED, country="s.country")})
  {{customer_filter}}
UNION ALL
SELECT o.ref, a.ref, NULL, NULL, {_ALLOWED}, '{UNKNOWN_LOCATION}', NULL
FROM inventory_asset a
JOIN inventory_placement p ON p.asset_id = a.id
JOIN core_organisation o ON o.id = p.customer_id
WHERE a.location_id IS NULL
  {{customer_filter}}
"""

# The flow findings: the flows carrying data to a destination foreign to some customer, or of unknown
# country, followed back to the assets whose data they carry (inventory.engine.flows_reaching_ctes).
_SUSPECT_DESTINATION = f"({DESTINATION_COUNTRY} = '' OR {DESTINATION_COUNTRY} IN (SELECT country FROM foreign_country))"

_FLOWS = f"""
WITH RECURSIVE {_FOREIGN_COUNTRIES},
{flows_reaching_ctes(_SUSPECT_DESTINATION)}
SELECT DISTINCT o.ref, a.ref, s.code, NULLIF(suspect.country, ''), {_ALLOWED},
       CASE WHEN suspect.country = '' THEN '{UNKNOWN_LOCATION}' ELSE '{FLOW_OUTSIDE}' END,
       suspect.label
FROM suspect
{{by_index:inventory_placement p:p.asset_id = suspect.origin_id}}
JOIN core_organisation o ON o.id = p.customer_id
JOIN inventory_asset a ON a.id = p.asset_id
LEFT JOIN inventory_site s ON s.id = a.location_id
WHERE (suspect.country = '' OR {_NOT_ALLOWED.format(allowed=_ALLOWED, country="suspect.country")})
  {{customer_filter}}
"""


# The sub-processor findings (third statement):
# in_use:     sub-processors in use today whose engagers, up the chain, are all in use too.
# lineage:    each of those with itself and every engager (Art. 28(4): it works for their services).
# offending:  (sub-processor, country) for each of its countries that some customer's policy forbids;
#             countries are stored as 'CH;DE;US', so the n-th is substr(countries, 3n + 1, 2).
# cover:      the assets of the services those sub-processors work for, and every asset below them.
# blocked:    (sub-processor, customer) pairs a change keeps apart: an effective addition or
#             replacement that does not apply to the customer (mirror of subprocessors.rules.
#             recipient_applies), and the old one of a replacement that does apply (the customer moved).
_IN_USE = (
    "{t}.in_use_from IS NOT NULL AND {t}.in_use_from <= %(today)s "
    "AND ({t}.in_use_until IS NULL OR {t}.in_use_until > %(today)s)"
)
# No recorded authorisation ('none'): never applies.
_APPLIES = """((r.authorisation = 'specific' AND r.consent = 'given')
    OR (r.authorisation = 'general' AND (r.objected_at IS NULL OR r.resolution = 'objection_withdrawn')))"""
_COUNTRY_N = "substr(sp.countries, 3 * n.i + 1, 2)"
_IN_USE_LINEAGE = f"""in_use(id) AS (
    SELECT sp.id FROM subprocessors_subprocessor sp WHERE sp.engaged_by_id IS NULL AND {_IN_USE.format(t="sp")}
    UNION ALL
    SELECT sp.id FROM in_use JOIN subprocessors_subprocessor sp ON sp.engaged_by_id = in_use.id
    WHERE {_IN_USE.format(t="sp")}
),
lineage(id, ancestor_id) AS (
    SELECT id, id FROM in_use
    UNION ALL
    SELECT lineage.id, sp.engaged_by_id
    FROM lineage JOIN subprocessors_subprocessor sp ON sp.id = lineage.ancestor_id
    WHERE sp.engaged_by_id IS NOT NULL
)"""
_BLOCKED = f"""blocked(sp_id, organisation_id) AS MATERIALIZED (
    SELECT lineage.id, r.organisation_id
    FROM subprocessors_change c
    JOIN subprocessors_changerecipient r ON r.change_id = c.id
    JOIN lineage ON lineage.ancestor_id = c.subprocessor_id
    WHERE c.status = 'effective' AND c.kind IN ('addition', 'replacement') AND NOT {_APPLIES}
    UNION
    SELECT lineage.id, r.organisation_id
    FROM subprocessors_change c
    JOIN subprocessors_changerecipient r ON r.change_id = c.id
    JOIN lineage ON lineage.ancestor_id = c.replaces_id
    WHERE c.status = 'effective' AND c.kind = 'replacement' AND {_APPLIES}
)"""

_SUBPROCESSORS = f"""
WITH RECURSIVE {_POLICY},
{_IN_USE_LINEAGE},
n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99),
offending(sp_id, slug, country) AS MATERIALIZED (
    SELECT sp.id, sp.slug, {_COUNTRY_N}
    FROM in_use
    JOIN subprocessors_subprocessor sp ON sp.id = in_use.id
    JOIN n ON 3 * n.i < length(sp.countries)
    WHERE EXISTS (SELECT 1 FROM policy WHERE {_NOT_ALLOWED.format(allowed="policy.allowed", country=_COUNTRY_N)})
),
served(sp_id, service_id) AS MATERIALIZED (
    SELECT DISTINCT lineage.id, link.service_id
    FROM lineage
    JOIN subprocessors_subprocessor_services link ON link.subprocessor_id = lineage.ancestor_id
    WHERE lineage.id IN (SELECT sp_id FROM offending)
){{org_up}},
cover(sp_id, asset_id) AS (
    SELECT served.sp_id, a.id FROM served JOIN inventory_asset a ON a.service_id = served.service_id
    {{cover_filter}}
    UNION
    SELECT cover.sp_id, a.id FROM cover JOIN inventory_asset a ON a.parent_id = cover.asset_id
    {{cover_filter}}
),
{_BLOCKED}
SELECT DISTINCT o.ref, a.ref, s.code, offending.country, {_ALLOWED}, '{SUBPROCESSOR_OUTSIDE}', offending.slug
FROM cover
{{by_index:inventory_placement p:p.asset_id = cover.asset_id}}
JOIN offending ON offending.sp_id = cover.sp_id
JOIN core_organisation o ON o.id = p.customer_id
JOIN inventory_asset a ON a.id = p.asset_id
LEFT JOIN inventory_site s ON s.id = a.location_id
WHERE {_NOT_ALLOWED.format(allowed=_ALLOWED, country="offending.country")}
  AND NOT EXISTS (SELECT 1 FROM blocked WHERE blocked.sp_id = cover.sp_id AND blocked.organisation_id = o.id)
  {{customer_filter}}
"""

# The unauthorised findings (fourth statement), driven from the customers WITHOUT a recorded
# authorisation, so that its cost follows them (normally few), not the inventory:
# unauthorised: customers with no subprocessors_contract row (GDPR Art. 28(2): no default).
# held:         (customer, asset) for each asset holding their data and every ancestor of it.
# uses:         (customer, service) for each service of those assets: the customers of a service.
# served:       (sub-processor, service) for each sub-processor in use and its engagers' services.
_UNAUTHORISED = f"""
WITH RECURSIVE {_IN_USE_LINEAGE},
unauthorised(id) AS MATERIALIZED (
    SELECT o.id FROM core_organisation o
    WHERE NOT EXISTS (SELECT 1 FROM subprocessors_contract c WHERE c.organisation_id = o.id)
      AND EXISTS (SELECT 1 FROM in_use)
      {{unauthorised_filter}}
),
held(organisation_id, asset_id) AS (
    SELECT p.customer_id, p.asset_id FROM unauthorised
    {{by_index:inventory_placement p:p.customer_id = unauthorised.id}}
    UNION
    SELECT held.organisation_id, a.parent_id
    FROM held JOIN inventory_asset a ON a.id = held.asset_id WHERE a.parent_id IS NOT NULL
),
uses(organisation_id, service_id) AS MATERIALIZED (
    SELECT DISTINCT held.organisation_id, a.service_id
    FROM held JOIN inventory_asset a ON a.id = held.asset_id WHERE a.service_id IS NOT NULL
),
served(sp_id, service_id) AS MATERIALIZED (
    SELECT DISTINCT lineage.id, link.service_id
    FROM lineage JOIN subprocessors_subprocessor_services link ON link.subprocessor_id = lineage.ancestor_id
),
{_BLOCKED}
SELECT DISTINCT o.ref, NULL, NULL, NULL, {_ALLOWED}, '{SUBPROCESSOR_UNAUTHORISED}', sp.slug
FROM uses
JOIN served ON served.service_id = uses.service_id
JOIN subprocessors_subprocessor sp ON sp.id = served.sp_id
JOIN core_organisation o ON o.id = uses.organisation_id
WHERE NOT EXISTS (
    SELECT 1 FROM blocked WHERE blocked.sp_id = served.sp_id AND blocked.organisation_id = uses.organisation_id
)
"""

# For one organisation: only the assets holding its data and their ancestors are worth covering.
_ORG_UP = """,
org_up(asset_id) AS (
    SELECT asset_id FROM inventory_placement WHERE customer_id = %(organisation_id)s
    UNION
    SELECT a.parent_id FROM org_up JOIN inventory_asset a ON a.id = org_up.asset_id WHERE a.parent_id IS NOT NULL
)"""
_ORG_COVER_FILTER = "WHERE a.id IN (SELECT asset_id FROM org_up)"


@cache
def _for_vendor(template: str, vendor: str) -> str:
    return drive_joins_by_index(template, vendor)


def _rows(sql: str, params: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(2000):
            yield from batch


def iter_violations(*, organisation_id: int | None = None, at: dt.datetime | None = None) -> Iterator[Violation]:
    """Every violation: stored and unknown placements, then flows, then sub-processors (outside, then
    unauthorised); unordered within each. ``at``: see _statements."""
    rows = iter_raw_rows(organisation_id=organisation_id, at=at)
    for customer, asset, site, country, allowed, reason, destination in rows:
        yield Violation(
            customer=customer,
            asset=asset,
            site=site,
            country=country,
            allowed=[code for code in allowed.split(";") if code],
            reason=reason,
            destination=destination,
        )


def _statements(organisation_id: int | None, at: dt.datetime | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """The audit's four statements (stored, flows, sub-processors outside, unauthorised) with their
    parameters, for the whole provider or one organisation.

    ``at``: the sub-processors in use on that day. The inventory itself is read from the tables as the
    connection sees them: inside ``inventory.as_of.inventory_as_of(at)``, as they were then."""
    params: dict[str, Any] = {
        "default_allowed": ";".join(settings.ART28_ALLOWED_COUNTRIES),
        "today": timezone.localdate(at) if at is not None else timezone.localdate(),
    }
    customer_filter = origin_filter = org_up = cover_filter = unauthorised_filter = ""
    if organisation_id is not None:
        customer_filter = "AND o.id = %(organisation_id)s"
        unauthorised_filter = "AND o.id = %(organisation_id)s"
        # Only follow the organisation's own data: a portal page must not pay for the whole audit.
        origin_filter = (
            "WHERE asset_id IN (SELECT asset_id FROM inventory_placement WHERE customer_id = %(organisation_id)s)"
        )
        org_up, cover_filter = _ORG_UP, _ORG_COVER_FILTER
        params["organisation_id"] = organisation_id
    for template in (_STORED, _FLOWS, _SUBPROCESSORS, _UNAUTHORISED):
        sql = _for_vendor(template, connection.vendor)
        sql = sql.replace("{customer_filter}", customer_filter).replace("{origin_filter}", origin_filter)
        sql = sql.replace("{org_up}", org_up).replace("{cover_filter}", cover_filter)
        sql = sql.replace("{unauthorised_filter}", unauthorised_filter)
        yield sql, params


def iter_raw_rows(*, organisation_id: int | None = None, at: dt.datetime | None = None) -> Iterator[tuple[Any, ...]]:
    """The audit's rows as the database returns them (the allowed list still as ';CH;LI;')."""
    for sql, params in _statements(organisation_id, at):
        yield from _rows(sql, params)


# The findings counted by cause in the database (residency.grouping says what a cause is: the sub-processor
# for its two rules, the flow's destination for a flow, else the site), one row per cause and customer:
# a summary of 400,000 findings reads a few thousand rows instead of building 400,000 objects.
_BY_CAUSE = f"""
WITH finding(customer, asset, site, country, allowed, reason, destination) AS ({{statement}}),
caused AS (
    SELECT reason, customer, country,
           CASE WHEN reason IN ('{SUBPROCESSOR_OUTSIDE}', '{SUBPROCESSOR_UNAUTHORISED}') THEN 'subprocessor'
                WHEN reason = '{FLOW_OUTSIDE}'
                     OR (reason = '{UNKNOWN_LOCATION}' AND COALESCE(destination, '') <> '') THEN 'flow'
                ELSE 'site' END AS cause_kind,
           CASE WHEN reason IN ('{SUBPROCESSOR_OUTSIDE}', '{SUBPROCESSOR_UNAUTHORISED}', '{FLOW_OUTSIDE}')
                     OR (reason = '{UNKNOWN_LOCATION}' AND COALESCE(destination, '') <> '') THEN destination
                ELSE site END AS cause
    FROM finding
)
SELECT reason, cause_kind, cause, country, customer, COUNT(*) FROM caused
GROUP BY reason, cause_kind, cause, country, customer
"""


def iter_cause_tallies(
    *, organisation_id: int | None = None, at: dt.datetime | None = None
) -> Iterator[tuple[str, str, str | None, str | None, str, int]]:
    """(reason, cause kind, cause, country, customer, findings) for every cause and customer."""
    for sql, params in _statements(organisation_id, at):
        yield from _rows(_BY_CAUSE.replace("{statement}", sql), params)


def sort_key(violation: Violation) -> tuple[str, str, str, str, str]:
    # The country last: a sub-processor processing in two forbidden countries gives two entries.
    return (
        violation.customer,
        violation.asset or "",
        violation.reason,
        violation.destination or "",
        violation.country or "",
    )


def run_audit(*, organisation_id: int | None = None, at: dt.datetime | None = None) -> list[Violation]:
    """All violations, sorted by customer, asset, reason and destination."""
    return sorted(iter_violations(organisation_id=organisation_id, at=at), key=sort_key)


# Every flow that carries some of one organisation's data, whatever its destination: what the
# customer's portal draws and what an attestation lists.
_CARRIED_FOR_ORGANISATION = """
WITH RECURSIVE
cover(flow_id, asset_id) AS (
    SELECT id, asset_id FROM inventory_flow
    UNION
    SELECT cover.flow_id, child.id FROM cover JOIN inventory_asset child ON child.parent_id = cover.asset_id
),
reach(origin_id, flow_id) AS (
    SELECT cover.asset_id, cover.flow_id FROM cover
    WHERE cover.asset_id IN (SELECT asset_id FROM inventory_placement WHERE customer_id = %(organisation_id)s)
    UNION
    SELECT reach.origin_id, onward.flow_id
    FROM reach
    JOIN inventory_flow f ON f.id = reach.flow_id
    JOIN cover onward ON onward.asset_id = f.to_asset_id
)
SELECT DISTINCT f.id, src.ref, srcsite.code, f.kind,
       CASE WHEN f.to_asset_id IS NOT NULL THEN ta.ref WHEN f.to_site_id IS NOT NULL THEN ts.code ELSE f.to_country END,
       CASE WHEN f.to_asset_id IS NOT NULL THEN tl.code WHEN f.to_site_id IS NOT NULL THEN ts.code ELSE NULL END,
       NULLIF(CASE WHEN f.to_asset_id IS NOT NULL THEN COALESCE(tl.country, '')
                   WHEN f.to_site_id IS NOT NULL THEN ts.country ELSE f.to_country END, '')
FROM reach
JOIN inventory_flow f ON f.id = reach.flow_id
JOIN inventory_asset src ON src.id = f.asset_id
LEFT JOIN inventory_site srcsite ON srcsite.id = src.location_id
LEFT JOIN inventory_asset ta ON ta.id = f.to_asset_id
LEFT JOIN inventory_site tl ON tl.id = ta.location_id
LEFT JOIN inventory_site ts ON ts.id = f.to_site_id
"""


@dataclass(frozen=True, slots=True)
class CarriedFlow:
    """A flow carrying some of an organisation's data: from an asset (at a site) to a destination."""

    flow_id: int
    from_asset: str
    from_site: str | None
    kind: str
    destination: str
    destination_site: str | None
    country: str | None


def flows_carrying(organisation_id: int) -> list[CarriedFlow]:
    """Flows that carry the organisation's data, directly or onwards, sorted by source and destination."""
    rows = _rows(_CARRIED_FOR_ORGANISATION, {"organisation_id": organisation_id})
    return sorted((CarriedFlow(*row) for row in rows), key=lambda f: (f.from_asset, f.kind, f.destination))

"""The residency audit as one hand-written SQL statement: the baseline the engine is measured against.

The same rules as residency/engine.py in a single statement (stored and flow findings in one UNION),
fetched as raw tuples: the difference to the engine is the engine's own overhead.
"""

from django.conf import settings
from django.db import connection

BASELINE_SQL = """
WITH RECURSIVE
cover(flow_id, asset_id) AS (
    SELECT id, asset_id FROM inventory_flow
    UNION
    SELECT c.flow_id, a.id FROM cover c JOIN inventory_asset a ON a.parent_id = c.asset_id
),
carried(asset_id, flow_id) AS (
    SELECT asset_id, flow_id FROM cover
    UNION
    SELECT carried.asset_id, c.flow_id
    FROM carried JOIN inventory_flow f ON f.id = carried.flow_id JOIN cover c ON c.asset_id = f.to_asset_id
),
policy(id, ref, allowed) AS (
    SELECT id, ref, ';' || CASE WHEN allowed_countries = '' THEN %(default)s ELSE allowed_countries END || ';'
    FROM core_organisation
),
destination(id, label, country) AS (
    SELECT f.id, COALESCE(ta.ref, ts.code, f.to_country),
           CASE WHEN f.to_asset_id IS NOT NULL THEN COALESCE(tl.country, '')
                WHEN f.to_site_id IS NOT NULL THEN ts.country ELSE f.to_country END
    FROM inventory_flow f
    LEFT JOIN inventory_asset ta ON ta.id = f.to_asset_id
    LEFT JOIN inventory_site tl ON tl.id = ta.location_id
    LEFT JOIN inventory_site ts ON ts.id = f.to_site_id
)
SELECT o.ref, a.ref, s.code, s.country, o.allowed,
       CASE WHEN COALESCE(s.country, '') = '' THEN 'unknown-location' ELSE 'stored-outside' END, NULL
FROM inventory_placement p JOIN policy o ON o.id = p.customer_id JOIN inventory_asset a ON a.id = p.asset_id
LEFT JOIN inventory_site s ON s.id = a.location_id
WHERE COALESCE(s.country, '') = '' OR {position}(o.allowed, ';' || s.country || ';') = 0
UNION
SELECT o.ref, a.ref, s.code, d.country, o.allowed,
       CASE WHEN d.country = '' THEN 'unknown-location' ELSE 'flow-outside' END, d.label
FROM carried
JOIN destination d ON d.id = carried.flow_id
JOIN inventory_placement p ON p.asset_id = carried.asset_id
JOIN policy o ON o.id = p.customer_id
JOIN inventory_asset a ON a.id = p.asset_id
LEFT JOIN inventory_site s ON s.id = a.location_id
WHERE d.country = '' OR {position}(o.allowed, ';' || d.country || ';') = 0
"""


def baseline_sql() -> str:
    return BASELINE_SQL.replace("{position}", "strpos" if connection.vendor == "postgresql" else "instr")


def baseline_params() -> dict[str, str]:
    return {"default": ";".join(settings.ART28_ALLOWED_COUNTRIES)}

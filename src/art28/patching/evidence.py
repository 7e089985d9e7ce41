"""The patching app's evidence collector (S7 as evidence for S2; core/evidence.py, docs/evidence.md).

``patching.service_levels``: each month, the security fixes installed on the managed hosts with their
time-to-patch against the published service levels (the figures the charts and the trust center's signed
record show: ``figures.iter_remediations``), and the exposures still open past their level when the month
ended. GDPR Art. 32(1)(b) and (d), Art. 32(2) (the risks of the processing), nFADP Art. 8: the provider
page's "exemplary reactivity for security updates", measured.

Known limit, the charts' own (docs/patching.md, "Charts"): the past is read from the hosts' installed
periods against *today's* advisories; art28 keeps no history of the tracker's states.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from art28.core.audit import jsonable
from art28.core.dates import month_ends
from art28.core.evidence import Collected, register_collector
from art28.core.service_levels import SEVERITIES_WITH_LEVELS, service_levels
from art28.patching.figures import Remediation, figures_of, iter_remediations
from art28.patching.models import AdvisoryStatus

CONTROLS = ("tom-d-patching",)

# Exposures open past their service level at each month's end (``e.moment``): a host had a version below
# a published fix (the matching rule of exposure.EXPOSURE_SQL) in the installed period around that moment,
# the host was not retired by then, the patch clock (the later of the fix's publication and the host's
# first having the package) plus the level of its severity ended before it (``cut_*``: the moment minus the
# level), and no exception was in force then (granted by then, expiring that day or later).
#
# One statement for every month asked, matched once: each span (an installed period exposed to an
# advisory) counts for a run of consecutive month ends, from the first after its period began and its
# level ran out (``lo``) to the last before its period or host ended (``hi``), so the spans are counted by
# (severity, lo, hi) and the months filled in from these few rows: a year costs one matching, not twelve,
# and no row per span and month is ever made. The few spans an exception ever covered are counted month
# by month, each month's exceptions applied.
CUT = (
    "(CASE s.severity WHEN %(critical)s THEN e.cut_critical WHEN %(high)s THEN e.cut_high "
    "WHEN %(medium)s THEN e.cut_medium ELSE e.cut_low END)"
)
PAST_DUE_SQL = f"""
WITH ends(idx, moment, day, cut_critical, cut_high, cut_medium, cut_low) AS (VALUES {{ends}}),
spans AS (
    SELECT a.severity, a.vulnerability_id, a.fix_published, ip.host_id, ip.since, ip.until, ip.package_since,
           h.ended_at,
           EXISTS (SELECT 1 FROM patching_patchexception pe WHERE pe.vulnerability_id = a.vulnerability_id
                   AND (pe.host_id IS NULL OR pe.host_id = ip.host_id)) AS excepted
    FROM patching_advisory a
    JOIN patching_packageversion pv ON pv.package = a.package AND pv.key < a.fixed_key
    JOIN patching_installedperiod ip ON ip.version_id = pv.id AND ip.release = a.release
    JOIN inventory_asset h ON h.id = ip.host_id
    WHERE a.status = %(resolved)s AND a.fix_published IS NOT NULL
      AND a.severity IN (%(critical)s, %(high)s, %(medium)s, %(low)s) AND a.fix_published < %(last)s
      AND ip.since <= %(last)s AND (ip.until IS NULL OR ip.until > %(first)s)
      AND (h.ended_at IS NULL OR h.ended_at > %(first)s)
), ranged AS MATERIALIZED (
    SELECT s.severity, s.excepted, s.vulnerability_id, s.host_id,
           (SELECT MIN(e.idx) FROM ends e WHERE e.moment >= s.since
                AND s.fix_published < {CUT} AND s.package_since < {CUT}) AS lo,
           (SELECT MAX(e.idx) FROM ends e WHERE (s.until IS NULL OR e.moment < s.until)
                AND (s.ended_at IS NULL OR e.moment < s.ended_at)) AS hi
    FROM spans s
)
SELECT severity, lo, hi, COUNT(*) FROM ranged WHERE NOT excepted AND lo <= hi GROUP BY severity, lo, hi
UNION ALL
SELECT r.severity, e.idx, e.idx, COUNT(*)
FROM ranged r JOIN ends e ON e.idx BETWEEN r.lo AND r.hi
WHERE r.excepted AND NOT EXISTS (
    SELECT 1 FROM patching_patchexception pe
    WHERE pe.vulnerability_id = r.vulnerability_id AND (pe.host_id IS NULL OR pe.host_id = r.host_id)
      AND pe.created_at <= e.moment AND pe.expires_on >= e.day
)
GROUP BY r.severity, e.idx
"""


def past_due_at(ends: list[dt.datetime]) -> list[dict[str, int]]:
    """Per month end of ``ends`` (in order), severity → exposures open past their level then: one query."""
    found: list[dict[str, int]] = [dict.fromkeys(SEVERITIES_WITH_LEVELS, 0) for _end in ends]
    if not ends:
        return found
    zone = timezone.get_default_timezone()
    levels = service_levels()
    adapt = connection.ops.adapt_datetimefield_value
    params: dict[str, Any] = {
        "resolved": AdvisoryStatus.RESOLVED.value,
        **{severity: severity for severity in SEVERITIES_WITH_LEVELS},
        "first": adapt(min(ends)),
        "last": adapt(max(ends)),
    }
    rows = []
    for index, end in enumerate(ends):
        params |= {
            f"moment_{index}": adapt(end),
            f"day_{index}": connection.ops.adapt_datefield_value(end.astimezone(zone).date()),
        }
        for severity in SEVERITIES_WITH_LEVELS:
            params[f"cut_{severity}_{index}"] = adapt(end - dt.timedelta(days=levels[severity]))
        cuts = ", ".join(f"%(cut_{severity}_{index})s" for severity in SEVERITIES_WITH_LEVELS)
        rows.append(f"({index}, %(moment_{index})s, %(day_{index})s, {cuts})")
    with connection.cursor() as cursor:
        cursor.execute(PAST_DUE_SQL.format(ends=", ".join(rows)), params)
        for severity, lo, hi, exposures in cursor.fetchall():
            for index in range(int(lo), int(hi) + 1):
                found[index][severity] += int(exposures)
    return found


def _fix_figures(remediations: list[Remediation], severity: str) -> dict[str, Any]:
    """The patch record's figures of a severity (figures.SeverityFigures) and how many fixes were in time."""
    within = sum(r.within_service_level for r in remediations)
    return figures_of(remediations, severity).as_dict() | {"within": within, "late": len(remediations) - within}


@register_collector(
    "patching.service_levels",
    title=_("Security-update service levels"),
    proves=_(
        "Every month, the security fixes installed on the managed hosts were installed within the service "
        "level of their severity, and no host was left exposed past it when the month ended."
    ),
    valid_days=35,
    controls=CONTROLS,
)
def collect_service_levels(since: dt.datetime, until: dt.datetime) -> Iterator[Collected]:
    """One item per month ending in ``[since, until)`` (and by now), effective at its end. Two queries
    whatever the number of months or rows: the remediations since the first month's start (streamed, the
    patch record's own statement) and the exposures past due at each month's end (counted in the database).
    An item fails when a fix of the month was late or an exposure was open past its level at the end."""
    now = timezone.now()
    months = [(m.label, m.start, m.end) for m in month_ends(since, until) if m.end <= now]
    if not months:
        return
    zone = timezone.get_default_timezone()
    first_start, last_end = months[0][1], months[-1][2]
    fixes: dict[tuple[str, str], list[Remediation]] = defaultdict(list)
    for remediation in iter_remediations(since=first_start):
        if remediation.fixed_at < last_end and remediation.severity in SEVERITIES_WITH_LEVELS:
            month = remediation.fixed_at.astimezone(zone).strftime("%Y-%m")
            fixes[(month, remediation.severity)].append(remediation)
    past_due = past_due_at([end for _label, _start, end in months])
    levels = service_levels()
    for (label, _start, end), open_late in zip(months, past_due, strict=True):
        figures = {severity: _fix_figures(fixes[(label, severity)], severity) for severity in SEVERITIES_WITH_LEVELS}
        installed = sum(f["remediations"] for f in figures.values())
        late = sum(f["late"] for f in figures.values())
        exposures = sum(open_late.values())
        yield Collected(
            key=label,
            title=f"Security updates in {label}: {installed} fix{'' if installed == 1 else 'es'} installed, "
            f"{late} late; {exposures} exposure{'' if exposures == 1 else 's'} past due at the month's end",
            effective_at=end,
            data={
                "month": label,
                "as_of": jsonable(end),
                "service_levels_days": levels,
                "fixes_installed": installed,
                "fixes_late": late,
                "fixes": figures,
                "open_past_due": exposures,
                "open_past_due_by_severity": open_late,
            },
            passed=late == 0 and exposures == 0,
        )

"""The DPIA pack's measures and risks (GDPR Art. 35(7)(c),(d) with Art. 32; nFADP Art. 22(3)): what the
provider does for the service and what happened on it, each read where it lives (docs/dpia.md):

* the measures that apply to the service (``records.selectors.measures_for_services``, the record's rule)
  with the status of their evidence (``evidence.selectors.control_statuses``), never the reasons (they may
  name other customers' incidents or requests);
* the incidents of the last 24 months on the service as counts by ENISA level and nature
  (``breaches.service_selectors``), never a title or another customer;
* the time-to-patch per severity over the hosts holding the customer's data on the service and the
  critical fixes overdue there (``patching.figures``, ``.exposure``), no host named;
* the service's intrusion tests (``assurance.pentest_selectors``): cadence, last campaign, findings by
  severity and status; and the latest isolation run's counts, with the pairs aimed at the customer.

Every value is plain JSON; periods are given in months, not as dates, so that the same facts give the same
content on another day (the pack's version changes only when the facts do).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from art28.assurance.models import CampaignKind, FindingSeverity, FindingStatus, ProbeOutcome
from art28.assurance.pentest_selectors import latest_isolation, service_test_summaries
from art28.breaches.models import Nature
from art28.breaches.service_selectors import UNASSESSED, service_incidents
from art28.breaches.severity import LEVEL_LABELS
from art28.core.dates import add_months
from art28.core.models import Organisation
from art28.core.translated import localized
from art28.duties.deletion import Planned
from art28.evidence.selectors import EFFECTIVE, FAILING, STALE, control_statuses
from art28.inventory.models import Asset, Service
from art28.patching.exposure import iter_exposures
from art28.patching.figures import patch_record
from art28.patching.models import InstalledPeriod, Severity
from art28.patching.selectors import hosts_holding
from art28.records.models import MeasureArea, TechnicalMeasure
from art28.records.selectors import measures_for_services

INCIDENT_MONTHS = 24
PATCH_MONTHS = 12


def _day(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (timezone.localtime(value).date() if isinstance(value, dt.datetime) else value).isoformat()


def text_fields(obj: Any, field: str, language: str) -> dict[str, str]:
    """``{field: the text in the language, field_language: the language it is really in}``: a text not yet
    translated is the English one, and says so (art28.core.translated)."""
    found = localized(obj, field, language)
    return {field: found.text, f"{field}_language": found.language}


def _status_text(status: str) -> str:
    texts = {
        EFFECTIVE: pgettext("control status", "effective"),
        STALE: pgettext("control status", "stale"),
        FAILING: pgettext("control status", "failing"),
    }
    return texts.get(status, status)


def measures_section(service: Service, on: dt.date) -> dict[str, Any]:
    """Art. 32 / 35(7)(d): the measures applying to the service, each with its evidence's status as of ``on``
    and its test dates (Art. 32(1)(d) "regularly testing")."""
    language = translation.get_language() or "en"
    measures = measures_for_services([service.pk])
    chosen = TechnicalMeasure.objects.filter(pk__in=[m.pk for m in measures])
    status = {s.measure.pk: s.status for s in control_statuses(today=on, measures=chosen)}
    items = [
        {
            "ref": m.ref,
            "area": m.area,
            "area_text": str(MeasureArea(m.area).label),
            **text_fields(m, "title", language),
            "status": status[m.pk],
            "status_text": _status_text(status[m.pk]),
            "last_tested_on": _day(m.last_reviewed_on),
            "next_test_on": _day(m.next_review_on),
            "nfadp": list(m.nfadp_refs),
            "iso_27001": list(m.iso_refs),
        }
        for m in sorted(measures, key=lambda m: (m.area, m.ref))
    ]
    counts = {key: sum(item["status"] == key for item in items) for key in (EFFECTIVE, STALE, FAILING)}
    return {
        "items": items,
        "by_status": [{"status": key, "text": _status_text(key), "count": n} for key, n in counts.items()],
    }


def incidents_section(organisation: Organisation, service: Service, on: dt.date) -> dict[str, Any]:
    """Art. 35(7)(c): the incidents on the service over the last 24 months, counted (breaches.service_selectors)."""
    since = timezone.make_aware(dt.datetime.combine(add_months(on, -INCIDENT_MONTHS), dt.time.min))
    found = service_incidents(service.pk, since=since, organisation_id=organisation.pk)
    level_text = {**{level: str(label) for level, label in LEVEL_LABELS.items()}, UNASSESSED: _("not assessed yet")}
    return {
        "months": INCIDENT_MONTHS,
        "total": found.total,
        "by_severity": [{"level": k, "text": level_text[k], "count": n} for k, n in found.by_level.items()],
        "by_nature": [{"nature": k, "text": str(Nature(k).label), "count": n} for k, n in found.by_nature.items()],
        "touching_your_data": found.touching_customer,
    }


def _hosts(organisation: Organisation, placements: list[Planned]) -> set[int]:
    """The assets holding the customer's data on the service, and those above them (a VM's host holds its
    data too): the patching selector's holding set, narrowed to the service's placements."""
    holding = hosts_holding(organisation)
    parent_of = dict(Asset.objects.filter(pk__in=holding).values_list("pk", "parent_id"))
    scope: set[int] = set()
    for asset_id in {p.asset_id for p in placements if p.asset_id is not None}:
        current: int | None = asset_id
        while current is not None and current not in scope:
            scope.add(current)
            current = parent_of.get(current)
    return scope


def security_updates_section(organisation: Organisation, placements: list[Planned]) -> dict[str, Any]:
    """Art. 32(1)(b),(d): time-to-patch per severity over the last 12 months on the hosts holding the
    customer's data on the service, and the critical fixes overdue there (by CVE and package, no host)."""
    hosts = _hosts(organisation, placements)
    listed = InstalledPeriod.objects.filter(host_id__in=hosts).values("host_id").distinct().count()
    record = patch_record(months=PATCH_MONTHS, host_ids=sorted(hosts))
    now = timezone.now()
    overdue = sorted(
        {
            (e.cve, e.package, _day(e.due))
            for e in iter_exposures(severity=Severity.CRITICAL, host_ids=hosts)
            if e.due is not None and e.overdue(now)
        }
    )
    return {
        "months": PATCH_MONTHS,
        "hosts_with_package_lists": listed,
        "severities": [f.as_dict() | {"severity_text": f.label} for f in record["severities"]],
        "overdue_critical": [{"cve": cve, "package": package, "due_on": due} for cve, package, due in overdue],
    }


def intrusion_tests_section(service: Service, on: dt.date) -> dict[str, Any] | None:
    """Art. 32(1)(d): the service's intrusion tests, as the portal shows them (no finding's title or asset)."""
    summaries = service_test_summaries({service.pk}, on)
    if not summaries:
        return None
    summary = summaries[0]
    campaign = summary.campaign
    return {
        "cadence_months": summary.cadence.months,
        "last_tested_on": _day(summary.cadence.last_completed),
        "next_due_on": _day(summary.cadence.due_on),
        "overdue": summary.overdue(on),
        "last_campaign": None
        if campaign is None
        else {
            "kind": campaign.kind,
            "kind_text": str(CampaignKind(campaign.kind).label),
            "tester": campaign.tester,
            "tester_independent": campaign.tester_independent,
            "completed_on": _day(campaign.completed_on),
        },
        "findings": [
            {
                "severity": severity,
                "severity_text": str(FindingSeverity(severity).label),
                "by_status": [
                    {"status": status, "text": str(FindingStatus(status).label), "count": count}
                    for status in FindingStatus.values
                    if (count := summary.counts.get(severity, {}).get(status, 0))
                ],
            }
            for severity in FindingSeverity.values
            if severity != FindingSeverity.NONE and summary.counts.get(severity)
        ],
    }


def isolation_section(organisation: Organisation) -> dict[str, Any] | None:
    """GDPR Art. 32(1)(b), the provider's "isolation between customers": the latest run of the probes, its
    pairs by outcome, and those aimed at this customer's resources."""
    summary = latest_isolation(organisation.ref)
    run = summary.run
    if run is None:
        return None
    counts = {ProbeOutcome.ISOLATED: run.isolated, ProbeOutcome.BREACH: run.breaches,
              ProbeOutcome.INCONCLUSIVE: run.inconclusive}  # fmt: skip
    return {
        "latest_run_on": _day(run.started_at),
        "pairs": [{"outcome": str(o), "text": str(o.label), "count": n} for o, n in counts.items()],
        "aimed_at_you": [{"text": text, "count": n} for text, n in summary.aimed_at_you],
    }

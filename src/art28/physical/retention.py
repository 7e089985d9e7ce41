"""How long the badge log is kept (issue 16 point 6; docs/physical.md, "Retention").

Badge events say where an employee, a contractor or a visitor was and when: personal data, kept no longer
than needed for the purpose (GDPR Art. 5(1)(e); nFADP Art. 6(4)): ``ART28_PHYSICAL_RETENTION_MONTHS`` (12 by
default), counted on the site's clock. ``art28 physical-purge`` deletes what is older, in batches, and
writes one audit entry with what it deleted per site (counts only). The provider's own record of
processing (GDPR Art. 30(1)) lists this processing with that retention (``core.own_processing``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from art28.core.audit import Actor, audit_record
from art28.core.dates import add_months
from art28.core.own_processing import OwnProcessing, register_own_processing
from art28.physical.models import BadgeEvent

PURGE_BATCH = 20_000


def retention_months() -> int:
    return settings.ART28_PHYSICAL_RETENTION_MONTHS


def purge_cutoff(today: dt.date | None = None) -> dt.date:
    """Events of a local date before this day are older than the retention and go."""
    return add_months(today or timezone.localdate(), -retention_months())


@dataclass
class PurgeReport:
    cutoff: dt.date
    by_site: dict[str, int] = field(default_factory=dict)

    @property
    def deleted(self) -> int:
        return sum(self.by_site.values())


def physical_events_purge(*, actor: Actor, today: dt.date | None = None, dry_run: bool = False) -> PurgeReport:
    """Delete the badge events older than the retention (a dry run counts them only); one audit entry."""
    report = PurgeReport(purge_cutoff(today))
    old = BadgeEvent.objects.filter(local_date__lt=report.cutoff)
    with transaction.atomic():
        report.by_site = dict(old.values("site__code").annotate(n=Count("pk")).values_list("site__code", "n"))
        if dry_run or not report.by_site:
            return report
        while True:
            ids = list(old.values_list("pk", flat=True)[:PURGE_BATCH])
            if not ids:
                break
            BadgeEvent.objects.filter(pk__in=ids).delete()
        audit_record(actor=actor, action="physical.purge", object_type="physical.badgeevent",
                     object_repr=f"badge events before {report.cutoff}",
                     after={"before": report.cutoff, "retention_months": retention_months(),
                            "deleted": report.by_site})  # fmt: skip
    return report


def register_record() -> None:
    register_own_processing(
        OwnProcessing(
            name="Physical access control of the datacenters",
            purposes=("Letting only authorised people into the datacenters' zones; detecting and investigating "
                      "unauthorised entries; reviewing access rights (GDPR Art. 32(1)(b); ISO/IEC 27001 A.7.2)."),
            data_subject_categories="Employees, contractors, colocation operators' staff, visitors",
            personal_data_categories=("Name, employer, badge number, authorisations (zones, days, hours, "
                                      "approver), badge events (time, site, zone, door, granted or refused)"),
            recipients="The provider's security and operations staff; auditors on request",
            transfers="",
            retention=lambda: (f"Badge events {retention_months()} months (ART28_PHYSICAL_RETENTION_MONTHS), "
                               "then deleted by art28 physical-purge; people and authorisations while they hold "
                               "an authorisation."),
            measures="Access to the log limited to staff; every change and purge in the audit trail.",
        )
    )  # fmt: skip

"""Background work: collect the evidence every day (run by `art28 db_worker`).

Each run collects every collector's window since its last run, reminds the owners of what falls due
(evidence.reminders), then, where the task backend can defer,
enqueues the next run for tomorrow 02:00; `art28 evidence-collect --schedule` starts the chain, and cron's
plain `art28 evidence-collect` does the same work everywhere else. Running it twice stores nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

NIGHTLY_AT = dt.time(2, 0)


@task()
def collect_evidence_daily() -> int:
    """Collect now, then remind the owners; returns how many new items were stored."""
    from art28.core.audit import SystemActor
    from art28.evidence.collection import evidence_collect
    from art28.evidence.reminders import reminders_send

    report = evidence_collect(actor=SystemActor("task:evidence-collect"))
    reminders_send(actor=SystemActor("task:evidence-remind"))
    schedule_next()
    return report.created


def schedule_next(*, now: dt.datetime | None = None) -> dt.datetime | None:
    """Enqueue the next nightly run where the backend can defer; returns when (None: it cannot)."""
    if not collect_evidence_daily.get_backend().supports_defer:
        return None
    today = timezone.localtime(now or timezone.now()).date()
    when = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), NIGHTLY_AT))
    collect_evidence_daily.using(run_after=when).enqueue()
    return when


@task()
def build_pack(pack_id: int) -> str:
    """Write an evidence pack asked for from a staff page; returns its status."""
    from art28.evidence.models import EvidencePack
    from art28.evidence.packs import pack_build

    pack = EvidencePack.objects.select_related("requested_by").filter(pk=pack_id).first()
    return "gone" if pack is None else pack_build(pack).status

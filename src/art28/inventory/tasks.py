"""Background work: the nightly live NetBox sync (run by `art28 db_worker`; docs/import-formats.md, "Live NetBox").

There is no periodic scheduler in art28: the nightly run is a task that books the next night's run when
it ends (successful or not), at ``ART28_NETBOX_SYNC_HOUR`` in ``ART28_TIME_ZONE``, on backends that can
defer a task. ``art28 netbox-sync --schedule`` books the first one (running it again books no second).
Where the backend cannot defer, cron runs ``art28 netbox-sync`` (URL and token from the settings) instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)
TASK_SOURCE = "task:netbox-sync"


@task()
def netbox_sync_nightly() -> dict[str, Any]:
    """Sync the inventory from ART28_NETBOX_URL, then book the next night's run; returns the counts."""
    from art28.inventory.netbox_api import configured_sync

    try:
        fetched, report = configured_sync(actor_label=TASK_SOURCE)
    except Exception:
        logger.exception("the nightly NetBox sync failed; nothing was imported")
        raise
    finally:
        schedule_netbox_sync()
    return {"fetched": fetched.objects, "counts": report.counts}


def next_run(now: dt.datetime, hour: int) -> dt.datetime:
    """The next ``hour``:00 strictly after ``now``, in the current time zone (ART28_TIME_ZONE)."""
    local = timezone.localtime(now)
    day = local.date()
    for _ in range(3):  # today, tomorrow; a third day only if DST swallowed the hour
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
        if at > now:
            return at
        day += dt.timedelta(days=1)
    return at


def schedule_netbox_sync(now: dt.datetime | None = None) -> dt.datetime | None:
    """Book the next nightly run unless one is booked already; None when not configured or not deferrable."""
    hour = settings.ART28_NETBOX_SYNC_HOUR
    if not settings.ART28_NETBOX_URL or not 0 <= hour <= 23:
        return None
    backend = netbox_sync_nightly.get_backend()
    if not backend.supports_defer:
        return None
    booked = _booked()
    if booked is not None:
        return booked
    at = next_run(now or timezone.now(), hour)
    netbox_sync_nightly.using(run_after=at).enqueue()
    return at


def _booked() -> dt.datetime | None:
    """When the next run is already booked (database backend only: other backends cannot be asked)."""
    try:
        from django_tasks_db.models import DBTaskResult, get_date_max
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return None
    if netbox_sync_nightly.get_backend().__class__.__module__.split(".")[0] != "django_tasks_db":
        return None
    path = f"{netbox_sync_nightly.func.__module__}.{netbox_sync_nightly.func.__qualname__}"
    pending = DBTaskResult.objects.filter(task_path=path, status="READY").order_by("run_after").first()
    if pending is None:
        return None
    # A run enqueued without a time (the "date max" of django-tasks-db) runs as soon as a worker takes it.
    return timezone.now() if pending.run_after == get_date_max() else pending.run_after

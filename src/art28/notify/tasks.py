"""Background work of the outbox (run by `art28 db_worker`, any number of them on PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from art28.notify.models import OutboxWake

# Never wake sooner than this after a drain: keeps a clock hiccup from turning into a busy loop.
MIN_WAKE_DELAY = dt.timedelta(seconds=1)


@task()
def drain_outbox() -> int:
    """Send every delivery that is due, then make sure a drain is scheduled for the next retry.

    Enqueued after each commit that writes messages (``messages_create``) and by staff retries;
    ``art28 outbox-drain`` does the same from cron or a shell. Returns how many were sent.
    """
    from art28.notify.worker import deliver_due

    sent = deliver_due()
    wake_schedule()
    return sent


def wake_schedule(*, now: dt.datetime | None = None) -> dt.datetime | None:
    """Enqueue one ``drain_outbox`` for the earliest waiting retry, unless one is already due by then.

    Returns the time a drain is scheduled for (None: nothing waits, or the task backend cannot defer,
    in which case cron's ``art28 outbox-drain`` picks retries up).
    """
    from art28.notify.worker import next_due_at

    due_at = next_due_at()
    if due_at is None or not drain_outbox.get_backend().supports_defer:
        return None
    now = now or timezone.now()
    run_after = max(due_at, now + MIN_WAKE_DELAY)
    with transaction.atomic():
        wake, _ = OutboxWake.objects.select_for_update().get_or_create(pk=1)
        if wake.wake_at is not None and now <= wake.wake_at <= run_after:
            return wake.wake_at  # an earlier (or the same) wake-up is still to come
        wake.wake_at = run_after
        wake.save(update_fields=["wake_at"])
        transaction.on_commit(lambda: drain_outbox.using(run_after=run_after).enqueue())
    return run_after

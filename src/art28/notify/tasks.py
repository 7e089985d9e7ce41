"""Background work of the outbox (run by `art28 db_worker`)."""

from django.tasks import task


@task()
def drain_outbox() -> int:
    """Send every delivery that is due; returns how many were sent. (Implemented in notify/worker.py.)"""
    from art28.notify.worker import deliver_due

    return deliver_due()

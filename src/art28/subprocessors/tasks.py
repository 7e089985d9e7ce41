"""Background work: make announced changes effective on their day (run by `art28 db_worker`).

Enqueued for the effective date when a change is announced (where the task backend can defer), and
run by `art28 subprocessor-changes-apply` from cron everywhere else; running it twice changes nothing.
"""

from __future__ import annotations

from django.tasks import task


@task()
def apply_due_changes() -> int:
    """Make every announced change whose effective date has come effective; returns how many."""
    from art28.subprocessors.changes import changes_apply_due

    return len(changes_apply_due())

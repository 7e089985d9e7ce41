"""Hooks other apps listen to, so that subprocessors never imports them (DESIGN.md: arrows run one way).

``change_announced`` is sent with ``change=`` (a ``Change``, status announced, its effective date set)
inside the transaction that announces it: a receiver that writes (e.g. the trust center queueing mail
to its public subscribers through the outbox) commits or rolls back with the announcement itself.
"""

from django.dispatch import Signal

change_announced = Signal()
# Sent with ``change=`` inside the transaction that withdraws an announced change.
change_withdrawn = Signal()

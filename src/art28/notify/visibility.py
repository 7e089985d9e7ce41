"""What the staff outbox shows of a message to a given role.

Everyone on the staff sees that a delivery exists, its channel, status, attempts and next attempt (the
outbox is operated as a whole). Who the message is to, its subject, the delivery's addresses and its last
error (which may quote an address) are shown only to the roles that may read the message's source: a DPO
request's mail only to the DPO desk's readers, and so on (GDPR Art. 5(1)(f), Art. 32(4); nFADP Art. 8).
The roles come from the role table (``core.access``), never from a list of this module's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from art28.core.access import may_read_source, source_label
from art28.notify.models import Delivery, Message


def restriction_for(role: str | None, message: Message) -> str:
    """Empty when ``role`` may read ``message``; else the neutral text shown in place of its content."""
    if may_read_source(role, message.source_type):
        return ""
    return _("restricted: %(source)s") % {"source": source_label(message.source_type)}


def recipient_for(role: str | None, message: Message) -> str:
    """The message's recipient as ``role`` may see it."""
    return restriction_for(role, message) or message.recipient_label


@dataclass(frozen=True)
class OutboxRow:
    """A delivery as one staff member may see it: ``restricted`` is the placeholder, or "" for all of it."""

    delivery: Delivery
    restricted: str


def outbox_rows(deliveries: Iterable[Delivery], role: str | None) -> list[OutboxRow]:
    return [OutboxRow(delivery=d, restricted=restriction_for(role, d.message)) for d in deliveries]

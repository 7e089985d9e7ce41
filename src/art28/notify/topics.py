"""What each kind of message is, in words, for the customer (the inbox shows these, never the topic code).

The topic strings belong to the domain apps (``breaches.sending.TOPIC`` …); notify cannot import them,
so they are repeated here, and a test checks that every domain topic has its words.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TOPIC_LABELS: dict[str, Promise] = {
    "breach.notice": _("Personal data breach notice"),
    "subprocessor.change": _("Change of sub-processors"),
    "subprocessor.change-withdrawn": _("Withdrawn change of sub-processors"),
    "legal.document-version": _("New version of a legal document"),
    "dpo.request.forwarded": _("Request of a data subject forwarded to you"),
    "webhook.test": _("Webhook test"),
}


def topic_label(topic: str) -> str:
    """The kind of message in the active language; a topic without words is simply a notice."""
    return str(TOPIC_LABELS.get(topic, _("Notice from your provider")))

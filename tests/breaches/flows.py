"""Helpers that take an incident of the breach world through its steps."""

from __future__ import annotations

from art28.breaches.decisions import incident_decide_notify
from art28.breaches.models import Incident, Notice
from art28.breaches.sending import notice_create, notice_send
from art28.breaches.services import incident_declare
from tests.breaches.fixtures import hours_ago
from tests.conftest import TEST_ACTOR


def declared(*, aware_hours_ago: float = 2, **fields) -> Incident:
    values = {
        "actor": TEST_ACTOR,
        "title": "Hypervisor escape on GVA1",
        "description": "A guest escaped to the host and read other guests' memory.",
        "aware_at": hours_ago(aware_hours_ago),
        "started_at": hours_ago(aware_hours_ago + 3),
        "natures": ["confidentiality", "integrity"],
        "sites": ["GVA1"],
        "consequences": "Contact details may be used for phishing.",
        "measures": "The host was isolated and patched; credentials were rotated.",
    }
    return incident_declare(**(values | fields))


def notified(incident: Incident | None = None, *, kind: str = "initial", texts=None) -> Notice:
    """Decide (if needed), compose and send one notice."""
    incident = incident or declared()
    incident.refresh_from_db()
    if incident.decision != "notify":
        incident_decide_notify(actor=TEST_ACTOR, incident=incident)
    notice = notice_create(actor=TEST_ACTOR, incident=incident, kind=kind, texts=texts)
    return notice_send(actor=TEST_ACTOR, notice=notice)

"""What an incident taught (ISO/IEC 27001:2022 Annex A.5.27 "learning from information security incidents",
clause 10.2; GDPR Art. 32(1)(d)): recorded on the incident, with an audit entry; a closed incident without
them is listed (the staff dashboard) until someone writes them. A lesson that calls for a change becomes a
nonconformity in the evidence app's register (source "incident", the incident's reference)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from art28.breaches.models import Incident, Phase
from art28.breaches.services import ensure_writer
from art28.core.audit import Actor, audit_record

LESSONS_MAX_CHARS = 10_000


def incident_lessons_record(*, actor: Actor, incident: Incident, text: str) -> Incident:
    """Write (or rewrite) the incident's lessons learned, in any phase; raises ValidationError on
    ``lessons_learned`` when empty or too long. No change, no entry."""
    ensure_writer(actor)
    lessons = text.strip()
    if not lessons:
        raise ValidationError({"lessons_learned": "Write what the incident taught: what to keep, what to change."})
    if len(lessons) > LESSONS_MAX_CHARS:
        raise ValidationError({"lessons_learned": f"{len(lessons):,} characters; at most {LESSONS_MAX_CHARS:,}."})
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if locked.lessons_learned == lessons:
            return locked
        before = locked.lessons_learned
        locked.lessons_learned = lessons
        locked.save(update_fields=["lessons_learned", "updated_at"])
        audit_record(actor=actor, action="incident.lessons_record", obj=locked,
                     before={"lessons_learned": before}, after={"lessons_learned": lessons})  # fmt: skip
    return locked


def incidents_closed_without_lessons() -> QuerySet[Incident]:
    """Closed incidents whose lessons learned nobody wrote yet, the longest closed first."""
    return Incident.objects.filter(phase=Phase.CLOSED, lessons_learned="").order_by("closed_at", "pk")

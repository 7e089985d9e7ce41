"""The breach API's request and response shapes (breaches/api.py), and how incidents become them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from ninja.errors import HttpError
from pydantic import WithJsonSchema

from art28.breaches.impact import Impact
from art28.breaches.models import Incident, Notice, SeverityAssessment


class ScopeIn(Schema):
    assets: list[str] = []
    sites: list[str] = []
    services: list[str] = []
    window_from: dt.datetime | None = None
    window_to: dt.datetime | None = None


class IncidentIn(Schema):
    title: str
    aware_at: dt.datetime
    started_at: dt.datetime
    ended_at: dt.datetime | None = None
    nature: list[Literal["confidentiality", "integrity", "availability"]]
    description: str = ""
    consequences: str = ""
    measures: str = ""
    remedial_action: str = ""
    scope: ScopeIn = ScopeIn()


# The default of a PATCH field that may be left out but not set to null (typed Any so a str field can have it).
NOT_GIVEN: Any = None


class IncidentPatch(Schema):
    """Only the fields given change; ``ended_at: null`` marks the breach ongoing again. The other facts
    cannot be emptied by ``null`` (an incident always has a title and the two dates of GDPR Art. 33(3)):
    ``null`` for them is a 422 naming the field."""

    title: str = Field(NOT_GIVEN)
    aware_at: dt.datetime = Field(NOT_GIVEN)
    started_at: dt.datetime = Field(NOT_GIVEN)
    ended_at: dt.datetime | None = None
    nature: list[Literal["confidentiality", "integrity", "availability"]] = Field(NOT_GIVEN)
    description: str = Field(NOT_GIVEN)
    consequences: str = Field(NOT_GIVEN)
    measures: str = Field(NOT_GIVEN)
    remedial_action: str = Field(NOT_GIVEN)


class DecisionIn(Schema):
    decision: Literal["notify", "no_notification"]
    reason: str = ""


class PhaseIn(Schema):
    phase: Literal["open", "assessed", "notifying", "closed"]
    note: str = ""


# An ENISA score: a JSON number (read exactly, as a decimal); which values each factor takes is the
# service's rule (a 422 naming the factor). A string is not a number here, so the document says so.
Score = Annotated[Decimal, WithJsonSchema({"type": "number"})]


class SeverityIn(Schema):
    """ENISA 2013: DPC base 1-4, moved by the context to any final DPC 1-4 in whole steps (``dpc_final``, or
    ``dpc_adjustment`` from -3 to +3; a reason is needed when they differ from the base), EI 0.25-1,
    CB 0/0.25/0.5 each, malicious +0.5."""

    dpc_base: int
    dpc_final: int | None = None
    dpc_adjustment: Score = Decimal("0")
    dpc_reason: str = ""
    ease_of_identification: Score
    cb_confidentiality: Score = Decimal("0")
    cb_integrity: Score = Decimal("0")
    cb_availability: Score = Decimal("0")
    malicious: bool = False
    notes: str = ""


class NoticeText(Schema):
    subject: str
    body: str


class NoticeIn(Schema):
    kind: Literal["initial", "update", "final"]
    texts: dict[str, NoticeText] = {}


class NoticeTextsIn(Schema):
    texts: dict[str, NoticeText]


class CustomerImpactOut(Schema):
    customer: str
    assets: list[str]
    data_categories: list[str]
    subject_categories: list[str]
    subjects: int
    records: int


class TotalsOut(Schema):
    customers: int
    subjects: int
    records: int


class ImpactOut(Schema):
    """Exactly the JSON of ``art28 breach-impact --json``."""

    customers: list[CustomerImpactOut]
    totals: TotalsOut


class SeverityOut(Schema):
    score: Decimal
    level: str
    dpc_base: int
    dpc_adjustment: Decimal
    dpc_final: Decimal
    dpc_reason: str
    ease_of_identification: Decimal
    cb_confidentiality: Decimal
    cb_integrity: Decimal
    cb_availability: Decimal
    malicious: bool
    assessed_at: dt.datetime
    assessed_by: str


class NoticeOut(Schema):
    sequence: int
    kind: str
    languages: list[str]
    created_at: dt.datetime
    created_by: str
    sent_at: dt.datetime | None
    sent_by: str
    recipients: int
    deliveries: int
    messages: int
    acknowledged: int


class NoticeDetailOut(NoticeOut):
    texts: dict[str, NoticeText]


class DecisionOut(Schema):
    decision: str
    reason: str
    decided_at: dt.datetime
    decided_by: str
    customers: int
    subjects: int
    records: int


class IncidentOut(Schema):
    ref: str
    title: str
    description: str
    nature: list[str]
    phase: str
    decision: str
    decision_reason: str
    aware_at: dt.datetime
    started_at: dt.datetime
    ended_at: dt.datetime | None
    declared_at: dt.datetime
    declared_by: str
    scope: ScopeIn
    consequences: str
    measures: str
    remedial_action: str
    provider_commitment_due: dt.datetime
    overdue: bool
    frozen: TotalsOut
    severity: SeverityOut | None
    decisions: list[DecisionOut]
    notices: list[NoticeOut]


class IncidentDeclaredOut(IncidentOut):
    impact: TotalsOut


def aware(value: dt.datetime | None, field: str) -> dt.datetime | None:
    """The time in UTC; one without a zone is read in the provider's zone (TIME_ZONE).

    JSON's date-time allows offsets up to ±23:59, PostgreSQL's ``timestamptz`` input only ±15:59 (a larger
    one was a DataError, a 500): stored in UTC, any offset is fine. A time before year 1 once in UTC (or
    after 9999) is a 422 naming the field."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise HttpError(422, f"{field}: {value.isoformat()} is outside the years 1 to 9999 in UTC") from None


def notice_out(notice: Notice, ack: dict[str, int] | None = None, *, detail: bool = False) -> NoticeOut:
    ack = ack or {"messages": 0, "acknowledged": 0}
    fields: dict[str, Any] = {
        "sequence": notice.sequence,
        "kind": notice.kind,
        "languages": notice.languages,
        "created_at": notice.created_at,
        "created_by": notice.created_by_label,
        "sent_at": notice.sent_at,
        "sent_by": notice.sent_by_label,
        "recipients": notice.recipients,
        "deliveries": notice.deliveries,
        "messages": ack["messages"],
        "acknowledged": ack["acknowledged"],
    }
    if detail:
        return NoticeDetailOut(**fields, texts={k: NoticeText(**v) for k, v in notice.texts.items()})
    return NoticeOut(**fields)


def severity_out(assessment: SeverityAssessment) -> SeverityOut:
    """As stored (two decimals), whether the assessment was just created or read back."""
    cents = Decimal("0.01")
    return SeverityOut(
        score=assessment.score,
        level=assessment.level,
        dpc_base=assessment.dpc_base,
        dpc_adjustment=Decimal(assessment.dpc_adjustment).quantize(cents),
        dpc_final=assessment.final_dpc.quantize(cents),
        dpc_reason=assessment.dpc_reason,
        ease_of_identification=assessment.ease_of_identification,
        cb_confidentiality=assessment.cb_confidentiality,
        cb_integrity=assessment.cb_integrity,
        cb_availability=assessment.cb_availability,
        malicious=assessment.malicious,
        assessed_at=assessment.assessed_at,
        assessed_by=assessment.assessed_by_label,
    )


def incident_out(incident: Incident, acks: dict[int, dict[str, int]], impact: Impact | None = None) -> IncidentOut:
    """``incident`` comes from selectors.incidents() (annotated); ``impact`` adds the live totals."""
    # .all() everywhere, so that a prefetched list (the list endpoint) costs no query per incident.
    latest = next(iter(incident.assessments.all()), None)
    fields: dict[str, Any] = {
        "ref": incident.ref,
        "title": incident.title,
        "description": incident.description,
        "nature": incident.natures,
        "phase": incident.phase,
        "decision": incident.decision,
        "decision_reason": incident.decision_reason,
        "aware_at": incident.aware_at,
        "started_at": incident.started_at,
        "ended_at": incident.ended_at,
        "declared_at": incident.declared_at,
        "declared_by": incident.declared_by_label,
        "scope": ScopeIn(
            assets=sorted(a.ref for a in incident.assets.all()),
            sites=sorted(s.code for s in incident.sites.all()),
            services=sorted(s.name for s in incident.services.all()),
            window_from=incident.window_from,
            window_to=incident.window_to,
        ),
        "consequences": incident.consequences,
        "measures": incident.measures,
        "remedial_action": incident.remedial_action,
        "provider_commitment_due": incident.notice_due_at,
        "overdue": bool(getattr(incident, "overdue", False)),
        "frozen": TotalsOut(
            customers=getattr(incident, "frozen_customers", 0),
            subjects=getattr(incident, "frozen_subjects", 0),
            records=getattr(incident, "frozen_records", 0),
        ),
        "severity": severity_out(latest) if latest else None,
        "decisions": [
            DecisionOut(
                decision=d.decision,
                reason=d.reason,
                decided_at=d.decided_at,
                decided_by=d.decided_by_label,
                customers=d.customers,
                subjects=d.subjects,
                records=d.records,
            )
            for d in incident.decisions.all()
        ],
        "notices": [notice_out(n, acks.get(n.pk)) for n in incident.notices.all()],
    }
    if impact is not None:
        return IncidentDeclaredOut(**fields, impact=TotalsOut(**impact.totals))
    return IncidentOut(**fields)

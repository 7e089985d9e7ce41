"""The breach API (S3), so that incident tooling can drive the whole path: declare, scope, impact,
decide, assess, compose and send notices, read the state and acknowledgements, export the register.

Every staff role reads; security, DPO and administrators write (403 for others); customers get 403.
Incidents are addressed by their reference (``INC-2026-0001``). A rule broken answers 422 with the
service's message, e.g. "Deciding not to notify needs a written reason."
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError

from art28.breaches import schemas as s
from art28.breaches.decisions import incident_decide_no_notification, incident_decide_notify, incident_impact_freeze
from art28.breaches.impact import impact_of_incident
from art28.breaches.models import Incident
from art28.breaches.register import csv_chunks
from art28.breaches.selectors import ack_counts, incident_by_ref, incidents
from art28.breaches.sending import notice_create, notice_send, notice_texts_update
from art28.breaches.services import (
    can_write,
    incident_declare,
    incident_phase_change,
    incident_scope_set,
    incident_update,
    severity_assess,
)
from art28.breaches.severity import SeverityInput, SeverityInputError, adjustment_to_final
from art28.core.api import call_service
from art28.core.models import User

Sequence = Annotated[int, Path(ge=1, le=32767, description="The notice's number within its incident")]

router = Router(tags=["breaches"])


def _user(request: HttpRequest, *, write: bool = False) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    if not user.is_staff:
        raise HttpError(403, "breaches are handled by the provider's staff")
    if write and not can_write(user):
        raise HttpError(403, "only the provider's security or DPO staff (or an administrator) handle breaches")
    return user


def _incident(ref: str) -> Incident:
    return incident_by_ref(ref)


def _out(ref: str, **extra: Any) -> s.IncidentOut:
    incident = _incident(ref)
    return s.incident_out(incident, ack_counts(list(incident.notices.values_list("pk", flat=True))), **extra)


@router.get("/incidents", response=list[s.IncidentOut], summary="Incidents, newest first")
def list_incidents(
    request: HttpRequest,
    phase: str = "",
    decision: str = "",
    overdue: bool = False,
    year: Annotated[int | None, Query(ge=1, le=9999, description="Declared in this calendar year")] = None,
) -> list[s.IncidentOut]:
    _user(request)
    rows = list(
        incidents(phase=phase, decision=decision, overdue=overdue, year=year).prefetch_related(
            "decisions", "notices", "assessments", "assets", "sites", "services"
        )
    )
    acks = ack_counts([n.pk for incident in rows for n in incident.notices.all()])
    return [s.incident_out(incident, acks) for incident in rows]


@router.post("/incidents", response={201: s.IncidentDeclaredOut}, summary="Declare an incident")
def declare(request: HttpRequest, payload: s.IncidentIn) -> Status[s.IncidentOut]:
    """The incident with its reference and the totals of its live impact."""
    user = _user(request, write=True)
    incident = call_service(
        incident_declare,
        actor=user,
        title=payload.title,
        aware_at=s.aware(payload.aware_at, "aware_at"),
        started_at=s.aware(payload.started_at, "started_at"),
        ended_at=s.aware(payload.ended_at, "ended_at"),
        natures=payload.nature,
        description=payload.description,
        consequences=payload.consequences,
        measures=payload.measures,
        remedial_action=payload.remedial_action,
        assets=payload.scope.assets,
        sites=payload.scope.sites,
        services=payload.scope.services,
        window_from=s.aware(payload.scope.window_from, "window_from"),
        window_to=s.aware(payload.scope.window_to, "window_to"),
    )
    return Status(201, _out(incident.ref, impact=impact_of_incident(incident)))


@router.get("/incidents/{ref}", response=s.IncidentOut, summary="One incident, its notices and acknowledgements")
def get_incident(request: HttpRequest, ref: str) -> s.IncidentOut:
    _user(request)
    return _out(ref)


@router.patch("/incidents/{ref}", response=s.IncidentOut, summary="Change the facts")
def update(request: HttpRequest, ref: str, payload: s.IncidentPatch) -> s.IncidentOut:
    user = _user(request, write=True)
    changes = payload.dict(exclude_unset=True)
    natures = changes.pop("nature", None)
    changes = {k: s.aware(v, k) if k.endswith("_at") else v for k, v in changes.items()}
    call_service(incident_update, actor=user, incident=_incident(ref), natures=natures, **changes)
    return _out(ref)


@router.put("/incidents/{ref}/scope", response=s.IncidentOut, summary="Replace the scope")
def set_scope(request: HttpRequest, ref: str, payload: s.ScopeIn) -> s.IncidentOut:
    user = _user(request, write=True)
    call_service(
        incident_scope_set,
        actor=user,
        incident=_incident(ref),
        assets=payload.assets,
        sites=payload.sites,
        services=payload.services,
        window_from=s.aware(payload.window_from, "window_from"),
        window_to=s.aware(payload.window_to, "window_to"),
    )
    return _out(ref)


@router.get("/incidents/{ref}/impact", response=s.ImpactOut, summary="The live impact of the scope")
def impact(request: HttpRequest, ref: str) -> dict[str, Any]:
    _user(request)
    return impact_of_incident(_incident(ref)).as_dict()


@router.post("/incidents/{ref}/decision", response=s.IncidentOut, summary="Decide: notify, or no notification")
def decide(request: HttpRequest, ref: str, payload: s.DecisionIn) -> s.IncidentOut:
    """``notify`` freezes the affected customers; ``no_notification`` needs a reason (and so does reversing it)."""
    user = _user(request, write=True)
    if payload.decision == "notify":
        call_service(incident_decide_notify, actor=user, incident=_incident(ref), reason=payload.reason)
    else:
        call_service(incident_decide_no_notification, actor=user, incident=_incident(ref), reason=payload.reason)
    return _out(ref)


@router.post("/incidents/{ref}/freeze", response=s.TotalsOut, summary="Freeze the live impact again")
def freeze(request: HttpRequest, ref: str) -> dict[str, int]:
    user = _user(request, write=True)
    return cast(dict[str, int], call_service(incident_impact_freeze, actor=user, incident=_incident(ref)))


@router.post("/incidents/{ref}/phase", response=s.IncidentOut, summary="Change the phase")
def phase(request: HttpRequest, ref: str, payload: s.PhaseIn) -> s.IncidentOut:
    user = _user(request, write=True)
    call_service(incident_phase_change, actor=user, incident=_incident(ref), phase=payload.phase, note=payload.note)
    return _out(ref)


@router.post("/incidents/{ref}/severity", response={201: s.SeverityOut}, summary="Assess the severity (ENISA 2013)")
def assess(request: HttpRequest, ref: str, payload: s.SeverityIn) -> Status[s.SeverityOut]:
    """``dpc_final`` (the DPC after the context, 1-4) or ``dpc_adjustment`` (whole steps) moves the base."""
    user = _user(request, write=True)
    values = payload.dict()
    notes = values.pop("notes")
    final = values.pop("dpc_final")
    if final is not None:
        try:
            adjustment = adjustment_to_final(payload.dpc_base, final)
        except SeverityInputError as exc:
            raise HttpError(422, f"dpc_final: {exc}") from exc
        if payload.dpc_adjustment and payload.dpc_adjustment != adjustment:
            raise HttpError(
                422,
                f"dpc_final {final} and dpc_adjustment {payload.dpc_adjustment.normalize():+} disagree for the base "
                f"{payload.dpc_base}; give one of them",
            )
        values["dpc_adjustment"] = adjustment
    a = call_service(severity_assess, actor=user, incident=_incident(ref), values=SeverityInput(**values), notes=notes)
    return Status(201, s.severity_out(a))


def _texts(texts: dict[str, s.NoticeText]) -> dict[str, dict[str, str]]:
    return {language: text.dict() for language, text in texts.items()}


@router.post("/incidents/{ref}/notices", response={201: s.NoticeDetailOut}, summary="Compose a notice")
def create_notice(request: HttpRequest, ref: str, payload: s.NoticeIn) -> Status[s.NoticeOut]:
    """The default text in each language of the affected customers, with ``texts`` overriding some."""
    user = _user(request, write=True)
    notice = call_service(
        notice_create, actor=user, incident=_incident(ref), kind=payload.kind, texts=_texts(payload.texts)
    )
    return Status(201, s.notice_out(notice, detail=True))


def _notice(ref: str, sequence: int) -> Any:
    notice = _incident(ref).notices.filter(sequence=sequence).first()
    if notice is None:
        raise HttpError(404, f"no notice no. {sequence} for {ref}")
    return notice


@router.get("/incidents/{ref}/notices/{sequence}", response=s.NoticeDetailOut, summary="A notice and its texts")
def get_notice(request: HttpRequest, ref: str, sequence: Sequence) -> s.NoticeOut:
    _user(request)
    notice = _notice(ref, sequence)
    return s.notice_out(notice, ack_counts([notice.pk]).get(notice.pk), detail=True)


@router.put("/incidents/{ref}/notices/{sequence}/texts", response=s.NoticeDetailOut, summary="Edit a notice's texts")
def edit_notice(request: HttpRequest, ref: str, sequence: Sequence, payload: s.NoticeTextsIn) -> s.NoticeOut:
    user = _user(request, write=True)
    notice = call_service(notice_texts_update, actor=user, notice=_notice(ref, sequence), texts=_texts(payload.texts))
    return s.notice_out(notice, detail=True)


@router.post("/incidents/{ref}/notices/{sequence}/send", response=s.NoticeOut, summary="Send a notice")
def send_notice(request: HttpRequest, ref: str, sequence: Sequence) -> s.NoticeOut:
    """To exactly the frozen affected customers, by e-mail, portal and webhook (through the outbox)."""
    user = _user(request, write=True)
    notice = call_service(notice_send, actor=user, notice=_notice(ref, sequence))
    return s.notice_out(notice, ack_counts([notice.pk]).get(notice.pk))


@router.get(
    "/register.csv",
    summary="The breach register (GDPR Art. 33(5)) as CSV",
    openapi_extra={"responses": {200: {"description": "CSV", "content": {"text/csv": {}}}}},
)
def register_csv(request: HttpRequest) -> HttpResponse:
    _user(request)
    response = StreamingHttpResponse(csv_chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="breach-register-{timezone.localtime():%Y%m%dT%H%M}.csv"'
    return cast(HttpResponse, response)

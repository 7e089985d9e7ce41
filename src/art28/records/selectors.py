"""Reads on the TOMs catalogue, the responsibility matrix and the provider's own record, for pages, the
API, the CLI and the DPA (``legal/dpa.py``). The controllers' records are generated in generation.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from art28.core.models import AuditEntry, Organisation
from art28.core.own_processing import own_processing
from art28.inventory.models import Service
from art28.inventory.selectors import organisation_service_ids
from art28.records.models import MeasureArea, ProcessingActivity, Responsibility, TechnicalMeasure


def _measures() -> QuerySet[TechnicalMeasure]:
    return TechnicalMeasure.objects.select_related("owner").prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("name"))
    )


def measures_all(*, include_retired: bool = False) -> list[TechnicalMeasure]:
    rows = _measures()
    if not include_retired:
        rows = rows.filter(active=True)
    return list(rows.order_by("area", "title"))


def group_by_area(measures: Iterable[TechnicalMeasure]) -> list[tuple[str, str, list[TechnicalMeasure]]]:
    """(code, label, measures) for each GDPR Art. 32(1) point (a)-(d), every point listed even if empty."""
    measures = list(measures)
    return [(code, str(label), [m for m in measures if m.area == code]) for code, label in MeasureArea.choices]


def measure_by_ref(ref: str) -> TechnicalMeasure:
    measure = _measures().filter(ref=ref).first()
    if measure is None:
        raise Http404(f"no measure {ref!r}")
    return measure


def overdue_measures(on: dt.date | None = None) -> QuerySet[TechnicalMeasure]:
    """Active measures whose review date has passed (Art. 32(1)(d): regular testing and evaluation)."""
    day = on or timezone.localdate()
    return TechnicalMeasure.objects.filter(active=True, next_review_on__lt=day).order_by("next_review_on", "ref")


def measures_for_services(service_ids: Iterable[int]) -> list[TechnicalMeasure]:
    """Active measures applying to these services: those for every service and those naming one of them.
    A control the Statement of Applicability says does not apply is no measure taken (Art. 30(2)(d))."""
    ids = list(service_ids)
    rows = (
        _measures()
        .filter(active=True, applicable=True)
        .filter(Q(services__isnull=True) | Q(services__in=ids))
        .distinct()
    )
    return list(rows.order_by("area", "title"))


def audit_history(obj: object, limit: int = 50) -> list[AuditEntry]:
    pk = getattr(obj, "pk", None)
    if pk is None:
        return []
    label = obj._meta.label_lower  # type: ignore[attr-defined]
    return list(AuditEntry.objects.filter(object_type=label, object_id=str(pk)).order_by("-seq")[:limit])


# ----------------------------------------------------------------------------------------------------
# The responsibility matrix (S9)


@dataclass(frozen=True)
class ServiceMatrix:
    """One service's matrix: the lines for every service, then its own."""

    service: Service
    lines: list[Responsibility]


def responsibilities_all() -> list[Responsibility]:
    return list(Responsibility.objects.select_related("service").order_by("service__name", "position", "topic"))


def responsibility_by_id(pk: int) -> Responsibility:
    line = Responsibility.objects.select_related("service").filter(pk=pk).first()
    if line is None:
        raise Http404(f"no responsibility line {pk}")
    return line


def matrix_for_services(service_ids: Iterable[int]) -> list[ServiceMatrix]:
    """Each service's matrix (by name): two queries, whatever the number of services."""
    ids = set(service_ids)
    lines = list(
        Responsibility.objects.filter(Q(service__isnull=True) | Q(service__in=ids)).order_by("position", "topic")
    )
    common = [line for line in lines if line.service_id is None]
    return [
        ServiceMatrix(service, common + [line for line in lines if line.service_id == service.pk])
        for service in Service.objects.filter(pk__in=ids).order_by("name")
    ]


def matrix_for_organisation(organisation: Organisation) -> list[ServiceMatrix]:
    """The matrix of the services the customer actually uses (its data's assets), never of others."""
    return matrix_for_services(organisation_service_ids(organisation))


# ----------------------------------------------------------------------------------------------------
# The provider's own record (Art. 30(1))


def activities_all() -> list[ProcessingActivity]:
    """The activities the DPO typed, then those art28's own modules carry out (``core.own_processing``,
    unsaved: their ``pk`` is None and they are not edited here) unless one typed has the same name."""
    typed = list(ProcessingActivity.objects.order_by("position", "name"))
    names = {activity.name for activity in typed}
    registered = [
        ProcessingActivity(
            name=own.name, purposes=own.purposes, data_subject_categories=own.data_subject_categories,
            personal_data_categories=own.personal_data_categories, recipients=own.recipients,
            transfers=own.transfers, retention=own.retention(), measures=own.measures, position=len(typed) + n,
        )
        for n, own in enumerate(own_processing(), start=1)
        if own.name not in names
    ]  # fmt: skip
    return typed + registered


def activity_by_id(pk: int) -> ProcessingActivity:
    activity = ProcessingActivity.objects.filter(pk=pk).first()
    if activity is None:
        raise Http404(f"no processing activity {pk}")
    return activity

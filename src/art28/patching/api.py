"""The security-updates API (S7; docs/patching.md): the fleet's exposures and patch record for staff; for
a customer, the provider's patch record on the hosts holding its data and any critical fix overdue there.

Scoping: ``/exposures`` and ``/record`` are for provider staff; ``/my/record`` reads only the hosts that
hold the caller's organisation's data and names no host (another customer may share it).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from art28.core.api import api_organisation, require_staff
from art28.patching.exposure import iter_exposures
from art28.patching.figures import patch_record
from art28.patching.models import SEVERITY_ORDER
from art28.patching.selectors import customer_patch_record

router = Router(tags=["patching"])


class ExposureOut(Schema):
    host: str
    package: str
    installed: str
    fixed: str | None
    cve: str
    severity: str
    known_exploited: bool
    fix_published: dt.datetime | None
    exposed_since: dt.datetime
    due: dt.datetime | None
    unsupported: bool
    epss: float | None
    accepted_until: dt.date | None


class SeverityFiguresOut(Schema):
    severity: str
    remediations: int
    median_days: float | None
    p95_days: float | None
    within_service_level: float | None
    service_level_days: int | None


class RecordOut(Schema):
    since: dt.datetime
    until: dt.datetime
    severities: list[SeverityFiguresOut]


class OverdueOut(Schema):
    cve: str
    package: str
    severity: str
    exposed_since: dt.datetime
    due: dt.datetime


class MyRecordOut(RecordOut):
    overdue_critical: list[OverdueOut]


@router.get("/exposures", response=list[ExposureOut], summary="Current exposures of the fleet (staff)")
def exposures(
    request: HttpRequest,
    host: str = Query("", max_length=64),
    cve: str = Query("", max_length=40),
    severity: str = Query("", description="critical, high, medium, low or unimportant"),
    limit: int = Query(1000, ge=1, le=10000),
    offset: int = Query(0, ge=0),
) -> list[ExposureOut]:
    require_staff(request, "the fleet's exposure")
    if severity and severity not in SEVERITY_ORDER:
        raise HttpError(422, f"severity: one of {', '.join(SEVERITY_ORDER)}")
    rows = (e for e in iter_exposures(host=host, cve=cve.upper()) if not severity or e.severity == severity)
    page = []
    for index, exposure in enumerate(rows):
        if index >= offset + limit:
            break
        if index >= offset:
            page.append(ExposureOut(**{k: getattr(exposure, k) for k in ExposureOut.model_fields}))
    return page


def _record(months: int, host_ids: list[int] | None) -> dict:
    record = patch_record(months=months, host_ids=host_ids)
    return {
        "since": record["since"],
        "until": record["until"],
        "severities": [figures.as_dict() for figures in record["severities"]],
    }


@router.get("/record", response=RecordOut, summary="Time-to-patch per severity over the fleet (staff)")
def record(request: HttpRequest, months: int = Query(12, ge=1, le=36)) -> dict:
    require_staff(request, "the fleet's exposure")
    return _record(months, None)


@router.get("/my/record", response=MyRecordOut, summary="The patch record of the hosts holding my data")
def my_record(request: HttpRequest, months: int = Query(12, ge=1, le=36)) -> dict:
    """Per severity: remediations, median and 95th percentile time-to-patch, share within the service
    level, over the hosts holding the caller's organisation's data; and every critical fix overdue there."""
    record = customer_patch_record(api_organisation(request), months=months)
    return {
        "since": record["since"],
        "until": record["until"],
        "severities": [figures.as_dict() for figures in record["severities"]],
        "overdue_critical": [vars(fix) for fix in record["overdue_critical"]],
    }

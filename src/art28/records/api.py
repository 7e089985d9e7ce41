"""The records API (GDPR Art. 30, nFADP Art. 12; TOMs Art. 32; matrix S9).

Staff (every role reads): any controller's record, all controllers' records streamed as JSON or CSV, the
provider's own record, the measures and the matrix. Customers: ``/my/record`` (JSON, CSV or PDF), their
own organisation only. A customer asking for a controller by reference gets its own record, and a 404
for any other reference (existence is not revealed); the all-controllers export is 403 for customers.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from art28.core.api import api_organisation, api_user
from art28.core.models import Organisation, User
from art28.core.selectors import organisation_by_ref
from art28.core.translated import all_languages
from art28.records import exports
from art28.records.generation import iter_records
from art28.records.selectors import activities_all, measures_all, responsibilities_all
from art28.records.views import record_download

router = Router(tags=["records"])
RecordFormat = Literal["json", "csv", "pdf"]
BulkFormat = Literal["json", "csv", "pdf"]


class MeasureOut(Schema):
    ref: str
    area: str
    title: str
    description: str
    # Every language that has a text, English first (art28.core.translated.all_languages).
    title_i18n: dict[str, str]
    description_i18n: dict[str, str]
    owner: str
    review_every_days: int
    last_reviewed_on: dt.date | None
    next_review_on: dt.date
    overdue: bool
    services: list[str]
    active: bool


class ResponsibilityOut(Schema):
    service: str | None
    topic: str
    customer_part: str
    provider_part: str
    position: int
    topic_i18n: dict[str, str]
    customer_part_i18n: dict[str, str]
    provider_part_i18n: dict[str, str]


_user = api_user


def _staff(request: HttpRequest) -> User:
    user = _user(request)
    if not user.is_staff:
        raise HttpError(403, "this endpoint is for the provider's staff; customers use /records/my/record")
    return user


@router.get("/my/record", summary="My record of processing (Art. 30(2)) as JSON, CSV or PDF")
def my_record(request: HttpRequest, format: RecordFormat = "json") -> HttpResponse:
    return record_download(api_organisation(request), format)


@router.get("/controllers/{path:ref}", summary="One controller's record (staff; a customer only its own)")
def controller(request: HttpRequest, ref: str, format: RecordFormat = "json") -> HttpResponse:
    # A customer reads through its own organisation only: another reference is a 404, never a lookup.
    if _user(request).is_customer:
        organisation: Organisation | None = api_organisation(request)
        if organisation is not None and organisation.ref != ref:
            organisation = None
    else:
        _staff(request)
        organisation = organisation_by_ref(ref)
    if organisation is None:
        raise HttpError(404, f"no controller {ref!r}")
    return record_download(organisation, format)


@router.get("/controllers", summary="Every controller's record, streamed (staff): JSON or CSV")
def controllers(request: HttpRequest, format: BulkFormat = "json", search: str = "") -> HttpResponseBase:
    _staff(request)
    if format == "pdf":
        raise HttpError(400, exports.PDF_OF_ALL_REFUSED)
    records = iter_records(search=search.strip()[:100])
    chunks = exports.controllers_csv(records) if format == "csv" else exports.controllers_json(records)
    return StreamingHttpResponse(chunks, content_type=exports.CONTENT_TYPES[format])


@router.get("/own", summary="The provider's own record (Art. 30(1)) as JSON, CSV or PDF (staff)")
def own_record(request: HttpRequest, format: RecordFormat = "json") -> HttpResponse:
    _staff(request)
    activities = activities_all()
    if format == "csv":
        body: bytes | str = "".join(exports.own_record_csv(activities))
    elif format == "pdf":
        body = exports.own_record_pdf(activities)
    else:
        body = exports.own_record_json(activities)
    return HttpResponse(body, content_type=exports.CONTENT_TYPES[format])


@router.get("/measures", response=list[MeasureOut], summary="The TOMs catalogue (staff)")
def measures(request: HttpRequest, include_retired: bool = False) -> list[MeasureOut]:
    _staff(request)
    today = timezone.localdate()
    return [
        MeasureOut(
            ref=m.ref,
            area=m.area,
            title=m.title,
            description=m.description,
            title_i18n=all_languages(m, "title"),
            description_i18n=all_languages(m, "description"),
            owner=m.owner.email,
            review_every_days=m.review_every_days,
            last_reviewed_on=m.last_reviewed_on,
            next_review_on=m.next_review_on,
            overdue=m.active and m.next_review_on < today,
            services=[s.name for s in m.services.all()],
            active=m.active,
        )
        for m in measures_all(include_retired=include_retired)
    ]


@router.get("/responsibilities", response=list[ResponsibilityOut], summary="The responsibility matrix (staff)")
def responsibilities(request: HttpRequest) -> list[ResponsibilityOut]:
    _staff(request)
    return [
        ResponsibilityOut(
            service=line.service.name if line.service else None,
            topic=line.topic,
            customer_part=line.customer_part,
            provider_part=line.provider_part,
            position=line.position,
            topic_i18n=all_languages(line, "topic"),
            customer_part_i18n=all_languages(line, "customer_part"),
            provider_part_i18n=all_languages(line, "provider_part"),
        )
        for line in responsibilities_all()
    ]

"""Reads of the DPIA packs (docs/dpia.md). Customer-facing selectors take the organisation: a service on which
it has no data is a 404, exactly like one that does not exist (a service is no customer's object, so
"yours" means "your data is on it")."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from art28.core.models import Organisation
from art28.duties.models import DpiaPack, DpiaPackDownload
from art28.inventory.models import Service
from art28.inventory.selectors import organisation_service_ids


def dpia_services_for_organisation(organisation: Organisation) -> list[tuple[Service, DpiaPack | None]]:
    """The services the customer uses (its data's assets), by name, each with its latest pack version."""
    services = list(Service.objects.filter(pk__in=organisation_service_ids(organisation)).order_by("name"))
    latest: dict[int, DpiaPack] = {}
    for pack in (
        DpiaPack.objects.filter(customer=organisation)
        .only("service_id", "version", "sha256", "generated_at", "language")
        .order_by("service_id", "version")
    ):
        latest[pack.service_id] = pack  # the highest version wins
    return [(service, latest.get(service.pk)) for service in services]


def dpia_service_for_organisation(organisation: Organisation, service_id: int | str) -> Service:
    """One service the customer uses; any other (or none) is a 404."""
    try:
        pk = int(service_id)
    except (TypeError, ValueError):
        raise Http404("no such service") from None
    if pk not in organisation_service_ids(organisation):
        raise Http404("none of your data is on this service")
    return Service.objects.get(pk=pk)


def dpia_packs_all(query: str = "") -> QuerySet[DpiaPack]:
    """Every version of every pack (staff), newest first, with its downloads; ``query`` a customer's
    reference or name, or a service's name, contained."""
    packs = (
        DpiaPack.objects.select_related("customer", "service")
        .prefetch_related(Prefetch("downloads", queryset=DpiaPackDownload.objects.order_by("-at", "-id")))
        .defer("document")
    )
    if query:
        packs = packs.filter(
            Q(customer__ref__icontains=query) | Q(customer__name__icontains=query) | Q(service__name__icontains=query)
        )
    return packs.order_by("-generated_at", "-id")


def dpia_downloads_all() -> QuerySet[DpiaPackDownload]:
    """Every download (staff), newest first: who, when, which version, which format."""
    return (
        DpiaPackDownload.objects.select_related("pack", "pack__customer", "pack__service")
        .defer("pack__document")
        .order_by("-at", "-id")
    )

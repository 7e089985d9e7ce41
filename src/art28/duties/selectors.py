"""Reads of the end-of-contract duty. Customer-facing selectors take the organisation and cannot return
another organisation's cases (another's id is a 404, exactly like one that does not exist)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from art28.core.models import Organisation
from art28.duties.models import DeletionItem, EndOfContract


def cases_all() -> QuerySet[EndOfContract]:
    return EndOfContract.objects.select_related("customer").prefetch_related("items", "services")


def case_by_reference(reference: str) -> EndOfContract:
    try:
        return cases_all().get(reference=reference)
    except EndOfContract.DoesNotExist:
        raise Http404("no such end of contract") from None


def cases_for_organisation(organisation: Organisation) -> QuerySet[EndOfContract]:
    return cases_all().filter(customer=organisation)


def case_for_organisation(organisation: Organisation, public_id: UUID | str) -> EndOfContract:
    try:
        return cases_for_organisation(organisation).get(public_id=public_id)
    except (EndOfContract.DoesNotExist, ValueError, TypeError):
        raise Http404("no such end of contract") from None


@dataclass(frozen=True)
class Progress:
    """How far a case is: items by state, and the share done (deleted, kept, or expiring by rotation)."""

    total: int
    by_state: dict[str, int]

    @property
    def done(self) -> int:
        return self.total - self.by_state.get("pending", 0)

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)


def case_progress(case: EndOfContract) -> Progress:
    items: list[DeletionItem] = list(case.items.all())
    return Progress(total=len(items), by_state=dict(Counter(item.state for item in items)))

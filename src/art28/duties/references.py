"""The duties' references, ``PREFIX-YEAR-NNNN`` (EOC- ends of contract, AUD- audits, INS- instructions, LRQ- legal
requirements): what the audit trail, the notices and the pages name a case by. Numbered per year, never
from the row's id (PostgreSQL's sequences do not roll back)."""

from __future__ import annotations

from django.db.models import Model


def next_reference(model: type[Model], prefix: str, year: int) -> str:
    head = f"{prefix}-{year}-"
    last = model._default_manager.filter(reference__startswith=head).order_by("-reference").values_list("reference")
    return f"{head}{int(last[0][0].removeprefix(head)) + 1 if last else 1:04d}"

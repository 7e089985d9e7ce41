"""The sub-processor rules as plain functions, shared by services, selectors, pages and the API.

GDPR Art. 28(2): the processor engages another processor only with the controller's prior specific or
general written authorisation; under a general one it informs the controller of intended additions or
replacements, giving the controller the opportunity to object. nFADP Art. 9(3) and DSV Art. 7: the same
prior authorisation in Swiss law. Art. 28(4): the obligations flow down the chain.

When a change applies to one customer (``recipient_applies``) is mirrored in SQL by the residency
audit (``art28.residency.engine``, ``_APPLIES``); keep the two in step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from art28.subprocessors.models import (
    Authorisation,
    Change,
    ChangeKind,
    ChangeRecipient,
    ChangeStatus,
    ConsentStatus,
    Resolution,
    SubProcessor,
)

# A customer without a Contract row: general authorisation, 30 days' notice (PRODUCT.md, "The law").
DEFAULT_AUTHORISATION = Authorisation.GENERAL
DEFAULT_NOTICE_DAYS = 30
# Resolutions after which the change does not apply to the customer.
KEEPS_OLD_ARRANGEMENT = frozenset({Resolution.OLD_ARRANGEMENT, Resolution.TERMINATION})


def today() -> dt.date:
    return timezone.localdate()


def in_use_on(subprocessor: SubProcessor, at: dt.date) -> bool:
    """In use on ``at``: from ``in_use_from`` (inclusive) until ``in_use_until`` (exclusive)."""
    start, end = subprocessor.in_use_from, subprocessor.in_use_until
    return start is not None and start <= at and (end is None or at < end)


def effective_date(announced_on: dt.date, notice_days: Iterable[int]) -> dt.date:
    """No earlier than the announcement plus the LONGEST notice period among the customers concerned
    (Art. 28(2): each of them must have its full period to object); no customer: the default period."""
    return announced_on + dt.timedelta(days=max(notice_days, default=DEFAULT_NOTICE_DAYS))


def needs_answer(kind: str) -> bool:
    """Only additions and replacements give the right to object or need consent (Art. 28(2)); a
    removal is announced for transparency, nobody's data goes anywhere new."""
    return kind in (ChangeKind.ADDITION, ChangeKind.REPLACEMENT)


def initial_consent(kind: str, authorisation: str) -> str:
    if needs_answer(kind) and authorisation == Authorisation.SPECIFIC:
        return ConsentStatus.PENDING
    return ConsentStatus.NOT_NEEDED


def recipient_applies(recipient: ChangeRecipient, kind: str) -> bool:
    """Whether the change applies to this customer (from the effective date on).

    General authorisation: unless the customer objected, or the objection was resolved otherwise than by
    the customer withdrawing it. Specific authorisation: only once the customer consented (DSV Art. 7).
    """
    if not needs_answer(kind):
        return True
    if recipient.authorisation == Authorisation.SPECIFIC:
        return recipient.consent == ConsentStatus.GIVEN
    return recipient.objected_at is None or recipient.resolution == Resolution.OBJECTION_WITHDRAWN


def has_open_objection(recipient: ChangeRecipient) -> bool:
    """An objection (or a refused consent) that staff have not resolved yet."""
    objected = recipient.objected_at is not None or recipient.consent == ConsentStatus.REFUSED
    return objected and recipient.resolution == Resolution.NONE


def before_effective_date(change: Change, on: dt.date | None = None) -> bool:
    return change.effective_on is not None and (on or today()) < change.effective_on


def is_open_for_answers(change: Change) -> bool:
    return change.status == ChangeStatus.ANNOUNCED and before_effective_date(change)


def recipient_state(recipient: ChangeRecipient, kind: str) -> str:
    """A short stable code for pages and the API: informed, objected, consent-pending … or the resolution."""
    if recipient.resolution:
        return str(recipient.resolution)
    if not needs_answer(kind):
        return "informed"
    if recipient.authorisation == Authorisation.SPECIFIC:
        return f"consent-{recipient.consent}"
    return "objected" if recipient.objected_at else "no-objection"

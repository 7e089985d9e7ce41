"""The sub-processor rules as plain functions, shared by services, selectors, pages and the API.

GDPR Art. 28(2): the processor engages another processor only with the controller's prior specific or
general written authorisation; under a general one it informs the controller of intended additions or
replacements, giving the controller the opportunity to object. nFADP Art. 9(3) and DSV Art. 7: the same
prior authorisation in Swiss law. Art. 28(4): the obligations flow down the chain.

When a change applies to one customer (``recipient_applies``) is mirrored in SQL by the residency
audit (``art28.residency.engine``, ``_APPLIES``); so is ``unauthorised_subprocessors`` (the audit's
``subprocessor-unauthorised``): keep them in step.

There is no default authorisation: a customer without a recorded one (a ``Contract``) has authorised no
sub-processor (Art. 28(2) asks for a PRIOR WRITTEN authorisation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone, translation

from art28.subprocessors.models import (
    NOT_AUTHORISED,
    Authorisation,
    Change,
    ChangeKind,
    ChangeRecipient,
    ChangeStatus,
    ConsentStatus,
    FlowDownAgreement,
    FlowDownClause,
    Resolution,
    SubProcessor,
)

# The provider's own minimum notice, not the law: the law sets no period, each contract does. It is the
# effective date's floor when none of the customers concerned has a recorded notice period (none of them
# authorised anything: they are only informed), and the notice of a specific authorisation that names
# none (a DPA's front matter ``authorisation: specific``).
PROVIDER_MINIMUM_NOTICE_DAYS = 30
# Resolutions after which the change does not apply to the customer.
KEEPS_OLD_ARRANGEMENT = frozenset({Resolution.OLD_ARRANGEMENT, Resolution.TERMINATION})


def today() -> dt.date:
    return timezone.localdate()


def in_use_on(subprocessor: SubProcessor, at: dt.date) -> bool:
    """In use on ``at``: from ``in_use_from`` (inclusive) until ``in_use_until`` (exclusive)."""
    start, end = subprocessor.in_use_from, subprocessor.in_use_until
    return start is not None and start <= at and (end is None or at < end)


def effective_date(announced_on: dt.date, notice_days: Iterable[int | None]) -> dt.date:
    """No earlier than the announcement plus the LONGEST recorded notice period among the customers
    concerned (Art. 28(2): each of them must have its full period to object). When none of them has one
    (no customer, or none with a recorded authorisation), the provider's own minimum."""
    recorded = [days for days in notice_days if days is not None]
    return announced_on + dt.timedelta(days=max(recorded, default=PROVIDER_MINIMUM_NOTICE_DAYS))


def needs_answer(kind: str) -> bool:
    """Only additions and replacements give the right to object or need consent (Art. 28(2)); a
    removal is announced for transparency, nobody's data goes anywhere new."""
    return kind in (ChangeKind.ADDITION, ChangeKind.REPLACEMENT)


def is_authorised(authorisation: str | None) -> bool:
    """A recorded specific or general authorisation (Art. 28(2), DSV Art. 7); nothing else is one."""
    return authorisation in (Authorisation.SPECIFIC, Authorisation.GENERAL)


def initial_consent(kind: str, authorisation: str) -> str:
    if needs_answer(kind) and authorisation == Authorisation.SPECIFIC:
        return ConsentStatus.PENDING
    return ConsentStatus.NOT_NEEDED


def recipient_applies(recipient: ChangeRecipient, kind: str) -> bool:
    """Whether the change applies to this customer (from the effective date on).

    General authorisation: unless the customer objected, or the objection was resolved otherwise than by
    the customer withdrawing it. Specific authorisation: only once the customer consented (DSV Art. 7).
    No recorded authorisation: never (Art. 28(2): the new sub-processor may not be engaged for its data).
    """
    if not needs_answer(kind):
        return True
    if recipient.authorisation == Authorisation.SPECIFIC:
        return recipient.consent == ConsentStatus.GIVEN
    if recipient.authorisation == Authorisation.GENERAL:
        return recipient.objected_at is None or recipient.resolution == Resolution.OBJECTION_WITHDRAWN
    return False


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
    if recipient.authorisation == NOT_AUTHORISED:
        return "not-authorised"
    if recipient.authorisation == Authorisation.SPECIFIC:
        return f"consent-{recipient.consent}"
    return "objected" if recipient.objected_at else "no-objection"


def unauthorised_subprocessors(authorisation: str | None, working_on_its_data: Iterable[SubProcessor]) -> list[str]:
    """The slugs of the sub-processors working on a customer's data (its services, chain included: Art.
    28(4); less those a change keeps away) while the customer has no recorded authorisation: each one is
    engaged without the prior written authorisation of Art. 28(2) / nFADP Art. 9(3). The residency
    audit's ``subprocessor-unauthorised`` finds the same pairs in SQL."""
    if is_authorised(authorisation):
        return []
    return sorted(sp.slug for sp in working_on_its_data)


# ----------------------------------------------------------------------------------------------------
# Flow-down agreements (GDPR Art. 28(4), nFADP Art. 9(3))


def agreement_in_effect(agreements: Iterable[FlowDownAgreement], on: dt.date) -> FlowDownAgreement | None:
    """The agreement that binds the sub-processor on ``on``: the latest signed on or before that day whose
    ``valid_until`` has not passed (a later agreement supersedes an earlier one, complete or not)."""
    candidates = [a for a in agreements if a.in_effect_on(on)]
    return max(candidates, key=lambda a: (a.signed_on, a.pk or 0), default=None)


def agreement_in_place(agreements: Iterable[FlowDownAgreement], on: dt.date) -> FlowDownAgreement | None:
    """The agreement in effect on ``on`` if it covers every duty of GDPR Art. 28(3)(a)-(h) (Art. 28(4): "the
    same data protection obligations"); an incomplete one does not count."""
    agreement = agreement_in_effect(agreements, on)
    return agreement if agreement is not None and agreement.complete else None


def agreement_states(agreements: list[FlowDownAgreement], on: dt.date) -> dict[int, str]:
    """Where each agreement of one sub-processor stands on ``on``: the one in effect is ``in-place`` when it
    covers every duty of Art. 28(3), else ``incomplete``; one past its last day ``ended``; an earlier one
    ``superseded``."""
    current = agreement_in_effect(agreements, on)
    states = {}
    for agreement in agreements:
        if current is not None and agreement.pk == current.pk:
            states[agreement.pk] = "in-place" if agreement.complete else "incomplete"
        elif agreement.valid_until is not None and agreement.valid_until < on:
            states[agreement.pk] = "ended"
        else:
            states[agreement.pk] = "superseded"
    return states


def flowdown_problem(subprocessor: SubProcessor, agreement: FlowDownAgreement | None) -> str:
    """Why ``subprocessor`` may not be announced as a new sub-processor ("" when nothing is wrong), given the
    agreement in effect today (``agreement_in_effect``). GDPR Art. 28(4), nFADP Art. 9(3)."""
    if agreement is None:
        return (
            f"{subprocessor.legal_name} has no flow-down agreement in effect (GDPR Art. 28(4), nFADP Art. 9(3)): "
            "record the signed agreement that binds it to the same data protection obligations before "
            "announcing it."
        )
    if agreement.complete:
        return ""
    with translation.override("en"):  # the services' messages are English, like the rest of them
        missing = "; ".join(str(FlowDownClause(code).label) for code in agreement.missing_clauses)
    return (
        f"The flow-down agreement of {subprocessor.legal_name} signed on {agreement.signed_on.isoformat()} does "
        f"not cover every duty of GDPR Art. 28(3) (Art. 28(4): the same obligations); missing: {missing}. "
        "Record an agreement that covers them before announcing it."
    )

"""The sub-processor register's evidence collector (S4 as evidence for S2; core/evidence.py, docs/evidence.md).

``subprocessors.change``: each addition or replacement of a sub-processor, when it took effect, with the
notice its customers were given. GDPR Art. 28(2) (and nFADP Art. 9(3), DSV Art. 7): under a general
written authorisation the processor informs the controller of an intended addition or replacement,
giving it the opportunity to object; the period is each contract's (``ChangeRecipient.notice_days``, the
contract as it was when the change was announced to that customer). The item is dated when the change
took effect (its effective date, 00:00 in ART28_TIME_ZONE), not when it was announced: only then is it
shown that the notice ran in full and what became of the objections before the change applied. A removal
gives no item: nobody's data goes anywhere new, there is nothing to object to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from art28.core.audit import jsonable
from art28.core.evidence import Collected, register_collector
from art28.subprocessors.models import (
    NOT_AUTHORISED,
    Authorisation,
    ChangeKind,
    ChangeRecipient,
    ChangeStatus,
    ConsentStatus,
    Resolution,
)
from art28.subprocessors.models import Change as ChangeModel

CONTROLS = ("tom-b-subprocessor-oversight",)


def took_effect_at(effective_on: dt.date) -> dt.datetime:
    """The moment a change takes effect: the start of its effective date in the project's time zone."""
    return timezone.make_aware(dt.datetime.combine(effective_on, dt.time()), timezone.get_default_timezone())


@dataclass
class _Recipients:
    """What the customers told of one change had when it took effect (``at``)."""

    at: dt.datetime
    count: int = 0
    by_authorisation: dict[str, int] = field(
        default_factory=lambda: {Authorisation.GENERAL.value: 0, Authorisation.SPECIFIC.value: 0, NOT_AUTHORISED: 0}
    )
    notice_days: list[int] = field(default_factory=list)
    objections: int = 0
    objections_open: int = 0
    not_applying: int = 0

    def add(self, row: Mapping[str, Any]) -> None:
        """One recipient, judged as of ``at`` from the times on its row (``rules.recipient_applies`` as it
        stood then): an objection, a refused or given consent, a resolution count only if made before."""
        at = self.at
        self.count += 1
        authorisation = row["authorisation"]
        self.by_authorisation[authorisation] = self.by_authorisation.get(authorisation, 0) + 1
        if row["notice_days"] is not None:
            self.notice_days.append(row["notice_days"])
        answered = row["consent_at"] is not None and row["consent_at"] < at
        consented = answered and row["consent"] == ConsentStatus.GIVEN
        objected = (row["objected_at"] is not None and row["objected_at"] < at) or (
            answered and row["consent"] == ConsentStatus.REFUSED
        )
        resolved = row["resolution"] != Resolution.NONE and row["resolved_at"] is not None and row["resolved_at"] < at
        if objected:
            self.objections += 1
            self.objections_open += not resolved
        if authorisation == Authorisation.SPECIFIC:
            applies = consented
        elif authorisation == Authorisation.GENERAL:
            applies = not objected or (resolved and row["resolution"] == Resolution.OBJECTION_WITHDRAWN)
        else:
            applies = False  # GDPR Art. 28(2): no recorded authorisation, never engaged for its data
        self.not_applying += not applies


@register_collector(
    "subprocessors.change",
    title=_("Sub-processor changes announced ahead"),
    proves=_(
        "Each addition or replacement of a sub-processor took effect only after every customer concerned had "
        "been told at least its contract's notice period ahead, with the objections recorded; an item fails "
        "when some customer got less notice than its contract requires."
    ),
    valid_days=365,
    controls=CONTROLS,
)
def collect_changes(since: dt.datetime, until: dt.datetime) -> Iterator[Collected]:
    """One item per addition or replacement that took effect in ``[since, until)`` (by now): announced, and
    not withdrawn before its effective date (a change still waiting for the daily job took effect on its
    date all the same). Two queries: the changes, and their recipients' rows."""
    zone = timezone.get_default_timezone()
    now = timezone.now()
    rows = (
        ChangeModel.objects.filter(
            kind__in=(ChangeKind.ADDITION, ChangeKind.REPLACEMENT),
            announced_at__isnull=False,
            effective_on__gte=timezone.localdate(since, zone),
            effective_on__lte=timezone.localdate(until, zone),
        )
        .filter(Q(status__in=(ChangeStatus.ANNOUNCED, ChangeStatus.EFFECTIVE)) | Q(status=ChangeStatus.WITHDRAWN))
        .order_by("effective_on", "pk")
        .values(
            "pk",
            "kind",
            "status",
            "announced_at",
            "effective_on",
            "withdrawn_at",
            "subprocessor__slug",
            "replaces__slug",
        )
    )
    changes: list[Mapping[str, Any]] = []
    for row in rows:
        if row["effective_on"] is None:  # announced changes always have one
            continue
        at = took_effect_at(row["effective_on"])
        withdrawn_before = row["status"] == ChangeStatus.WITHDRAWN and (
            row["withdrawn_at"] is None or row["withdrawn_at"] < at
        )
        if since <= at < until and at <= now and not withdrawn_before:
            changes.append(row)
    if not changes:
        return
    recipients = {change["pk"]: _Recipients(at=took_effect_at(change["effective_on"])) for change in changes}
    recipient_rows = (
        ChangeRecipient.objects.filter(change_id__in=list(recipients))
        .order_by()
        .values(
            "change_id",
            "authorisation",
            "notice_days",
            "consent",
            "consent_at",
            "objected_at",
            "resolution",
            "resolved_at",
        )
    )
    for recipient in recipient_rows.iterator(chunk_size=2000):
        recipients[recipient["change_id"]].add(recipient)
    for change in changes:
        told = recipients[change["pk"]]
        announced_on = timezone.localdate(change["announced_at"], zone)
        given = (change["effective_on"] - announced_on).days
        short = sum(1 for days in told.notice_days if days > given)
        slug = change["subprocessor__slug"]
        what = f"{change['kind']} of {slug}" + (
            f" (replacing {change['replaces__slug']})" if change["replaces__slug"] else ""
        )
        yield Collected(
            key=f"change-{change['pk']}",
            title=f"Sub-processor {what} effective {change['effective_on']}: {given} days' notice",
            effective_at=told.at,
            data={
                "change": change["pk"],
                "kind": change["kind"],
                "subprocessor": slug,
                "replaces": change["replaces__slug"],
                "announced_at": jsonable(change["announced_at"]),
                "announced_on": jsonable(announced_on),
                "effective_on": jsonable(change["effective_on"]),
                "notice_given_days": given,
                "notice_required_min_days": min(told.notice_days, default=None),
                "notice_required_max_days": max(told.notice_days, default=None),
                "customers_told": told.count,
                "customers_by_authorisation": told.by_authorisation,
                "customers_short_notice": short,
                "objections_recorded": told.objections,
                "objections_open": told.objections_open,
                "customers_not_applying": told.not_applying,
            },
            passed=short == 0,
        )

"""Reminders to the owners of controls and of corrective actions, through the outbox (S2; docs/evidence.md,
"Reminders").

A control is tested "regularly" (GDPR Art. 32(1)(d)) and its evidence ages by itself; a corrective action
has a due day (ISO/IEC 27001:2022 clause 10.2 c). The owner hears of each before it lapses and once when it
has lapsed, by e-mail, in the owner's language, one mail per owner and run listing everything new:

- evidence expiring: the latest valid item of one of a control's sources is valid until a day at most
  ``lead`` days away. Evidence that lasts ``lead`` days or less (a weekly residency audit, a nightly
  isolation run) is renewed by art28 itself before it lapses: it is reminded only if it does lapse;
- evidence expired: that day has passed with nothing newer (the control is stale);
- test due / overdue: the control's next test (``next_review_on``) is at most ``lead`` days away / passed;
- control failing: a source's latest item found a problem;
- corrective action due / overdue: not done, due at most ``lead`` days away / its due day passed.

The same thing (kind, subject, due day) is reminded once (``Reminder``'s unique constraint): a new item,
a new test date or a new due day is a new thing. A control or action whose owner's account is closed goes
to the DPO(s) instead, so that nothing lapses unheard.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from art28.core.audit import Actor, audit_record
from art28.core.dpo import dpo_profile
from art28.core.evidence import collector as registered_collector
from art28.core.models import User
from art28.core.roles import Role
from art28.core.translated import localized
from art28.evidence.models import CorrectiveAction, NonconformityStatus, Reminder, ReminderKind
from art28.evidence.selectors import control_statuses
from art28.notify.models import Message
from art28.notify.services import message_to_address_create
from art28.records.models import TechnicalMeasure

TOPIC = "evidence.reminder"
SOURCE_TYPE = "evidence.reminder"
# What is most urgent first in a mail: what has lapsed, then what is about to.
URGENCY = {
    ReminderKind.CONTROL_FAILING: 0,
    ReminderKind.EVIDENCE_EXPIRED: 1,
    ReminderKind.TEST_OVERDUE: 1,
    ReminderKind.ACTION_OVERDUE: 1,
    ReminderKind.EVIDENCE_EXPIRING: 2,
    ReminderKind.TEST_DUE: 2,
    ReminderKind.ACTION_DUE: 2,
}


@dataclass(frozen=True)
class Due:
    """One thing to remind its owner of. ``source`` is the collector's key (or "" for evidence linked by
    hand); ``detail`` what a failing item found."""

    kind: str
    subject: str
    due_on: dt.date
    owner: User
    control: TechnicalMeasure | None = None
    action: CorrectiveAction | None = None
    source: str = ""
    detail: str = ""

    @property
    def identity(self) -> tuple[str, str, dt.date]:
        return (self.kind, self.subject, self.due_on)


@dataclass
class ReminderReport:
    """What a run sent: per recipient the reminders of its mail; ``already`` those sent by an earlier run."""

    sent: dict[User, list[Due]] = field(default_factory=dict)
    already: int = 0

    @property
    def count(self) -> int:
        return sum(len(items) for items in self.sent.values())


def lead_days() -> int:
    return settings.ART28_REMINDER_DAYS


def _lasts_longer_than_lead(latest_at: dt.datetime | None, valid_until: dt.date, lead: int) -> bool:
    """An item valid for more than the lead is worth a reminder before it lapses; a shorter one is
    renewed by art28's own schedule first (its lapse is reminded all the same)."""
    return latest_at is not None and (valid_until - timezone.localtime(latest_at).date()).days > lead


def _control_due(kind: str, measure: TechnicalMeasure, due_on: dt.date, *, about: str, source: str = "",
                 detail: str = "") -> Due:  # fmt: skip
    return Due(kind, f"{measure.ref}/{about}", due_on, measure.owner, control=measure, source=source, detail=detail)


def _evidence_dues(today: dt.date, lead: int) -> list[Due]:
    horizon = today + dt.timedelta(days=lead)
    dues: list[Due] = []
    measures = TechnicalMeasure.objects.filter(active=True, applicable=True)
    for status in control_statuses(today=today, measures=measures):
        measure = status.measure
        # A collector's latest item, or (a control proved by hand only) its linked items taken together.
        lanes = [(s.collector, s.latest_at, s.latest_passed, s.valid_until, s.latest_title) for s in status.sources]
        if not status.sources and status.latest_at is not None and status.valid_until is not None:
            lanes.append(("", status.latest_at, status.status != "failing", status.valid_until, ""))
        for source, latest_at, passed, valid_until, title in lanes:
            if latest_at is None or valid_until is None:
                continue  # no evidence yet: the dashboard's stale list says so; nothing has lapsed
            about = source or "evidence"
            if not passed:
                found_on = timezone.localtime(latest_at).date()
                dues.append(_control_due(ReminderKind.CONTROL_FAILING, measure, found_on, about=about, source=source,
                                         detail=title))  # fmt: skip
            elif valid_until < today:  # valid through its valid_until day
                expired = ReminderKind.EVIDENCE_EXPIRED
                dues.append(_control_due(expired, measure, valid_until, about=about, source=source))
            elif valid_until <= horizon and _lasts_longer_than_lead(latest_at, valid_until, lead):
                dues.append(_control_due(ReminderKind.EVIDENCE_EXPIRING, measure, valid_until, about=about,
                                         source=source))  # fmt: skip
        if measure.next_review_on < today:  # a test due today is on time
            dues.append(_control_due(ReminderKind.TEST_OVERDUE, measure, measure.next_review_on, about="test"))
        elif measure.next_review_on <= horizon:
            dues.append(_control_due(ReminderKind.TEST_DUE, measure, measure.next_review_on, about="test"))
    return dues


def _action_dues(today: dt.date, lead: int) -> list[Due]:
    horizon = today + dt.timedelta(days=lead)
    actions = (
        CorrectiveAction.objects.filter(done_on__isnull=True, due_on__lte=horizon)
        .exclude(nonconformity__status=NonconformityStatus.CLOSED)
        .select_related("owner", "nonconformity")
        .order_by("due_on", "pk")
    )
    return [
        Due(
            ReminderKind.ACTION_OVERDUE if action.due_on < today else ReminderKind.ACTION_DUE,
            subject=f"{action.nonconformity.ref}/{action.pk}",
            due_on=action.due_on,
            owner=action.owner,
            action=action,
        )
        for action in actions
    ]


def reminders_due(*, today: dt.date | None = None, lead: int | None = None) -> list[Due]:
    """Everything worth a reminder as of ``today``, sent before or not."""
    today = today or timezone.localdate()
    lead = lead_days() if lead is None else lead
    return _evidence_dues(today, lead) + _action_dues(today, lead)


def _recipients(owner: User, dpos: list[User]) -> list[User]:
    return [owner] if owner.is_active else dpos


def reminders_send(*, actor: Actor, today: dt.date | None = None, lead: int | None = None) -> ReminderReport:
    """Send what is due and was not reminded before: one mail per recipient (through the outbox, sent by
    its worker after commit), one ``Reminder`` per thing, one audit entry per mail."""
    today = today or timezone.localdate()
    report = ReminderReport()
    with transaction.atomic():
        dues = reminders_due(today=today, lead=lead)
        sent_before = set(
            Reminder.objects.filter(subject__in={d.subject for d in dues}).values_list("kind", "subject", "due_on")
        )
        fresh = [due for due in dues if due.identity not in sent_before]
        report.already = len(dues) - len(fresh)
        dpos = list(User.objects.filter(role=Role.DPO, is_active=True).order_by("email"))
        by_recipient: dict[User, list[Due]] = defaultdict(list)
        for due in fresh:
            for recipient in _recipients(due.owner, dpos):
                by_recipient[recipient].append(due)
        now = timezone.now()
        for recipient in sorted(by_recipient, key=lambda user: user.email):
            items = sorted(by_recipient[recipient], key=lambda d: (URGENCY[ReminderKind(d.kind)], d.due_on, d.subject))
            message = _mail(recipient, items, today)
            Reminder.objects.bulk_create(
                Reminder(kind=d.kind, subject=d.subject, due_on=d.due_on, recipient=recipient, control=d.control,
                         action=d.action, message=message, sent_at=now)
                for d in items
            )  # fmt: skip
            audit_record(
                actor=actor,
                action="evidence.reminders_send",
                obj=message,
                object_repr=message.reference,
                after={
                    "recipient_id": recipient.pk,
                    "reminders": [{"kind": d.kind, "about": d.subject, "due_on": d.due_on} for d in items],
                },
            )
            report.sent[recipient] = items
    return report


def _url(path: str) -> str:
    return settings.ART28_BASE_URL.rstrip("/") + path


def _line(due: Due, language: str) -> tuple[str, str]:
    """The reminder's sentence in the active language, and the page to act on."""
    day = due.due_on.isoformat()
    if due.action is not None:
        values = {"nc": due.action.nonconformity.ref, "action": due.action.description.strip()[:120], "day": day}
        text = (
            _("%(nc)s: the corrective action “%(action)s” was due on %(day)s and is not done.")
            if due.kind == ReminderKind.ACTION_OVERDUE
            else _("%(nc)s: the corrective action “%(action)s” is due on %(day)s.")
        ) % values
        return text, _url(reverse("evidence:nonconformity", kwargs={"ref": due.action.nonconformity.ref}))
    assert due.control is not None
    found = registered_collector(due.source) if due.source else None
    values = {
        "control": f"{due.control.ref} ({localized(due.control, 'title', language)})",
        "source": str(found.title) if found else _("the evidence added by hand"),
        "day": day,
        "item": due.detail,
    }
    texts = {
        ReminderKind.CONTROL_FAILING: _("%(control)s is failing: %(source)s found a problem on %(day)s (%(item)s)."),
        ReminderKind.EVIDENCE_EXPIRED: _(
            "%(control)s is stale: %(source)s was valid until %(day)s and nothing newer has come."
        ),
        ReminderKind.EVIDENCE_EXPIRING: _(
            "%(control)s: %(source)s is valid until %(day)s; the control is stale after that day without new evidence."
        ),
        ReminderKind.TEST_OVERDUE: _("%(control)s: its test was due on %(day)s and is overdue."),
        ReminderKind.TEST_DUE: _("%(control)s: its test is due on %(day)s."),
    }
    text = texts[ReminderKind(due.kind)] % values
    return text, _url(reverse("evidence:control", kwargs={"ref": due.control.ref}))


def _mail(recipient: User, items: list[Due], today: dt.date) -> Message:
    language = recipient.language or settings.LANGUAGE_CODE.split("-")[0]
    with translation.override(language):
        count = len(items)
        subject = ngettext(
            "%(count)d control or corrective action needs you",
            "%(count)d controls or corrective actions need you",
            count,
        ) % {"count": count}
        lines = [_line(due, language) for due in items]
        body = render_to_string(
            "evidence/mail/reminders.txt",
            {
                "lines": lines,
                "today": today,
                "lead": lead_days(),
                "provider_name": settings.ART28_PROVIDER_NAME,
                "dpo_email": dpo_profile().email,
                "controls_url": _url(reverse("evidence:controls")),
            },
        )
    return message_to_address_create(
        topic=TOPIC,
        address=recipient.email,
        subject=f"[art28] {subject}",
        body_text=body,
        language=language,
        source_type=SOURCE_TYPE,
    )

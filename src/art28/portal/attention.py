"""What needs the customer now: the "Needs your attention" panel of the portal home and its count in the
navigation. Each kind of pending item is read by its own domain app's selector, scoped to the
organisation (one query per kind); this module only puts them in one list, earliest deadline first.

The kinds and their deadlines:

* a breach notice not acknowledged: the controller's own 72 hours to notify its supervisory authority
  run from its awareness, here the notice's receipt (GDPR Art. 33(1); nFADP Art. 24(1) "as soon as
  possible");
* a sub-processor change waiting for an answer: the objection window ends on its effective date (GDPR
  Art. 28(2), nFADP Art. 9(3)); under a specific authorisation it waits for consent (DSV Art. 7);
* a document version to accept, or the DPA to countersign: the day it takes (or took) effect (Art. 28(9));
* a data-subject request forwarded to the customer: the controller's legal period (GDPR Art. 12(3),
  nFADP Art. 25(7)), counted from the provider's receipt;
* an instruction the provider holds as infringing the law (GDPR Art. 28(3) second subparagraph): no
  deadline, it is held since it was flagged, until the customer withdraws or maintains it;
* an audit request answered with an offer of evidence instead (Art. 28(3)(h)): since the offer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from art28.core.models import Organisation
from art28.dpo.models import Request
from art28.dpo.selectors import requests_awaiting_answer
from art28.duties.models import ControllerAudit, Instruction
from art28.duties.selectors import audit_offers_awaiting_answer, instructions_awaiting_answer
from art28.legal.models import DocumentKind, DocumentVersion
from art28.legal.selectors import versions_to_accept
from art28.notify.models import Message
from art28.notify.selectors import notices_awaiting_acknowledgement
from art28.subprocessors.models import Authorisation, ChangeKind, ChangeRecipient
from art28.subprocessors.selectors import changes_awaiting_answer

# GDPR Art. 33(1): "where feasible, not later than 72 hours after having become aware of it".
CONTROLLER_NOTIFICATION_HOURS = 72


@dataclass(frozen=True)
class AttentionItem:
    kind: str  # breach-notice, subprocessor-change, document, dpa, dsr, instruction, audit-offer
    what: str
    due_on: dt.date
    due_label: str  # what the date is: "acknowledge by", "object before" …
    url: str
    action: str
    # False: ``due_on`` is when it began waiting (held since, offered on), not a deadline that can pass.
    deadline: bool = True

    def overdue(self, today: dt.date) -> bool:
        return self.deadline and self.due_on < today


def _notice_item(message: Message) -> AttentionItem:
    received = timezone.localtime(message.created_at)
    return AttentionItem(
        kind="breach-notice",
        what=_("Security breach notice to acknowledge: %(subject)s") % {"subject": message.subject},
        due_on=(received + dt.timedelta(hours=CONTROLLER_NOTIFICATION_HOURS)).date(),
        due_label=_("your 72 hours (GDPR Art. 33(1)) end"),
        url=reverse("portal:inbox_message", kwargs={"public_id": message.public_id}),
        action=_("Read and acknowledge"),
    )


def _change_item(row: ChangeRecipient) -> AttentionItem:
    change = row.change
    name = change.subprocessor.legal_name
    if change.kind == ChangeKind.REPLACEMENT and change.replaces is not None:
        what = _("Sub-processor change: %(name)s replaces %(old)s") % {"name": name, "old": change.replaces.legal_name}
    else:
        what = _("New sub-processor: %(name)s") % {"name": name}
    if row.authorisation == Authorisation.SPECIFIC:
        due_label, action = _("takes effect with your consent from"), _("Consent or refuse")
    else:
        due_label, action = _("objections close before"), _("Review or object")
    assert change.effective_on is not None  # an announced change has its effective date
    return AttentionItem(
        kind="subprocessor-change",
        what=what,
        due_on=change.effective_on,
        due_label=due_label,
        url=reverse("portal:subprocessor_change", kwargs={"change_id": change.pk}),
        action=action,
    )


def _version_item(version: DocumentVersion, today: dt.date) -> AttentionItem:
    assert version.effective_on is not None  # the selector keeps dated versions only
    in_force = version.effective_on <= today
    if version.document.kind == DocumentKind.DPA:
        return AttentionItem(
            kind="dpa",
            what=_("The DPA, version %(number)s, is not countersigned") % {"number": version.number},
            due_on=version.effective_on,
            due_label=_("in force since"),
            url=reverse("portal:dpa"),
            action=_("Review and countersign"),
        )
    return AttentionItem(
        kind="document",
        what=_("%(title)s, version %(number)s, to accept")
        % {"title": version.document.title, "number": version.number},
        due_on=version.effective_on,
        due_label=_("in force since") if in_force else _("takes effect on"),
        url=reverse("portal:documents") + f"#doc-{version.document.slug}",
        action=_("Review and accept"),
    )


def _request_item(request: Request) -> AttentionItem:
    deadline = request.deadline
    return AttentionItem(
        kind="dsr",
        what=_("Request from a data subject to answer: %(reference)s (%(kind)s)")
        % {"reference": request.reference, "kind": request.get_kind_display()},
        due_on=deadline.law_due or request.effective_due_on,
        due_label=_("your legal deadline"),
        url=reverse("portal:request", kwargs={"public_id": request.public_id}),
        action=_("Answer the request"),
    )


def _instruction_item(instruction: Instruction) -> AttentionItem:
    assert instruction.flagged_at is not None  # a held instruction was flagged
    return AttentionItem(
        kind="instruction",
        what=_("Instruction %(reference)s held: we believe it would infringe the law")
        % {"reference": instruction.reference},
        due_on=timezone.localtime(instruction.flagged_at).date(),
        due_label=_("held since"),
        url=reverse("portal:instructions") + f"#instruction-{instruction.reference}",
        action=_("Withdraw or maintain it"),
        deadline=False,
    )


def _audit_offer_item(audit: ControllerAudit) -> AttentionItem:
    offered = audit.answered_at or audit.requested_at
    return AttentionItem(
        kind="audit-offer",
        what=_("Audit %(reference)s: evidence offered instead") % {"reference": audit.reference},
        due_on=timezone.localtime(offered).date(),
        due_label=_("offered on"),
        url=reverse("portal:audit", kwargs={"public_id": audit.public_id}),
        action=_("Accept or maintain the audit"),
        deadline=False,
    )


def attention_items(organisation: Organisation, *, today: dt.date | None = None) -> list[AttentionItem]:
    """Everything waiting for ``organisation``, earliest deadline first (six queries, one per source)."""
    day = today or timezone.localdate()
    items = [_notice_item(m) for m in notices_awaiting_acknowledgement(organisation)]
    items += [_change_item(row) for row in changes_awaiting_answer(organisation, on=day)]
    items += [_version_item(v, day) for v in versions_to_accept(organisation, on=day)]
    items += [_request_item(r) for r in requests_awaiting_answer(organisation)]
    items += [_instruction_item(i) for i in instructions_awaiting_answer(organisation)]
    items += [_audit_offer_item(a) for a in audit_offers_awaiting_answer(organisation)]
    return sorted(items, key=lambda item: item.due_on)


def attention_count(organisation: Organisation) -> int:
    return len(attention_items(organisation))

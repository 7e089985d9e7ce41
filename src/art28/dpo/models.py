"""The DPO desk: the requests people send through the contact form, and
each request's timeline (notes, replies, extension, forwarding, the controller's answer, closing).

A request holds personal data (the requester's name, address and message). The audit trail (a hash
chain that cannot forget) therefore names a request by its reference only, never by its content, so
that erasing a request leaves no personal data behind (GDPR Art. 17, Art. 5(1)(e)).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from art28.core.models import Language, Organisation, User
from art28.dpo import conf
from art28.dpo.deadlines import ControllerKind, Deadline, Regime, deadline_for


class Kind(models.TextChoices):
    ACCESS = "access", _("Access to my data")
    RECTIFICATION = "rectification", _("Rectification of my data")
    ERASURE = "erasure", _("Erasure of my data")
    RESTRICTION = "restriction", _("Restriction of processing")
    PORTABILITY = "portability", _("Data portability")
    OBJECTION = "objection", _("Objection to processing")
    QUESTION = "question", _("Question")
    COMPLAINT = "complaint", _("Complaint")
    SECURITY = "security", _("Security report")


# The data subject rights of GDPR Art. 15-21 (nFADP Art. 25, 28, 32): the kinds with a legal deadline.
DATA_SUBJECT_KINDS = frozenset(
    {Kind.ACCESS, Kind.RECTIFICATION, Kind.ERASURE, Kind.RESTRICTION, Kind.PORTABILITY, Kind.OBJECTION}
)


class Status(models.TextChoices):
    OPEN = "open", _("open")
    FORWARDED = "forwarded", _("forwarded to the controller")
    CLOSED = "closed", _("closed")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("answered")
    FORWARDED = "forwarded", _("handled by the controller")
    REFUSED = "refused", _("refused, with reasons")
    NO_DATA = "no_data", _("no data about the person")
    WITHDRAWN = "withdrawn", _("withdrawn by the requester")
    UNFOUNDED = "unfounded", _("spam or manifestly unfounded")


REGIME_CHOICES = [
    (Regime.GDPR.value, _("GDPR")),
    (Regime.NFADP.value, _("nFADP")),
    (Regime.BOTH.value, _("GDPR and nFADP")),
    (Regime.NONE.value, _("neither law (provider commitment)")),
    (Regime.SERVICE_LEVEL.value, _("no legal deadline (provider commitment)")),
]

CONTROLLER_KIND_CHOICES = [
    (ControllerKind.PROVIDER.value, _("the provider's own processing (the provider is the controller)")),
    (ControllerKind.CUSTOMER.value, _("a customer's data (the customer is the controller)")),
    (ControllerKind.UNKNOWN.value, _("not known yet")),
]


class CustomerAnswer(models.TextChoices):
    HANDLED = "handled", _("handled by us")
    NOT_OURS = "not_ours", _("not about our data")


class Request(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    regime = models.CharField(_("applicable law"), max_length=10, choices=REGIME_CHOICES)
    # Whose processing it is about decides who owes the law's deadline (GDPR Art. 12(3) binds the
    # controller): the requester's answer on the form, then the DPO's (classifying, or forwarding).
    controller_kind = models.CharField(
        _("whose data"), max_length=10, choices=CONTROLLER_KIND_CHOICES, default=ControllerKind.UNKNOWN.value
    )
    requester_name = models.CharField(_("name"), max_length=200)
    requester_email = models.EmailField(_("e-mail"))
    requester_country = models.CharField(_("country of residence"), max_length=2)
    language = models.CharField(_("language for replies"), max_length=2, choices=Language.choices)
    message = models.TextField(_("message"), max_length=10_000)
    concerns = models.CharField(_("customer or website concerned"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received"))
    received_on = models.DateField(help_text="The local day of receipt, from which the deadline runs.")
    due_on = models.DateField(_("due"))
    # The extension (GDPR Art. 12(3)) or deferral (DSV Art. 18(2)), told to the requester.
    extended_due_on = models.DateField(_("extended to"), null=True, blank=True)
    extension_reasons = models.TextField(_("reasons for the extension"), blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The controller whose data subject wrote (GDPR Art. 28(3)(e)): linked by staff, then forwarded.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="dpo_requests"
    )
    forwarded_at = models.DateTimeField(null=True, blank=True)
    customer_answer = models.CharField(max_length=10, choices=CustomerAnswer.choices, blank=True)
    customer_note = models.TextField(blank=True, max_length=4000)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="dpo_request_open_due_idx"),
            models.Index(fields=["organisation", "-forwarded_at"], name="dpo_request_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="dpo_request_closed_has_outcome",
                condition=Q(status="closed", outcome__gt="", closed_at__isnull=False)
                | (~Q(status="closed") & Q(outcome="")),
                violation_error_message=_("A closed request has an outcome; an open one has none."),
            ),
            models.CheckConstraint(
                name="dpo_request_forwarded_to_organisation",
                condition=Q(forwarded_at__isnull=True) | Q(organisation__isnull=False),
                violation_error_message=_("A forwarded request names the organisation it went to."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("dpo:request", kwargs={"reference": self.reference})

    @property
    def effective_due_on(self):  # type: ignore[no-untyped-def]
        return self.extended_due_on or self.due_on

    @property
    def deadline(self) -> Deadline:
        """The one computation of this request's deadline, extension window and (for a customer's data)
        the controller's legal period: every page, form, mail, API and service reads it here."""
        return self.deadline_as(self.controller_kind)

    def deadline_as(self, controller_kind: str) -> Deadline:
        """The deadline were the request about ``controller_kind``'s data (``deadlines.deadline_for``)."""
        return deadline_for(
            self.regime,
            self.received_on,
            controller=controller_kind,
            service_days=conf.service_days(),
            forward_days=conf.forward_days(),
            calendars=conf.calendars(),
        )

    @property
    def provider_clock_runs(self) -> bool:
        """Whether the provider's deadline still runs: not once the request is closed, nor once it was
        forwarded to the controller (the provider's commitment is then kept; the controller answers)."""
        return self.status == Status.OPEN

    @property
    def is_data_subject_request(self) -> bool:
        return self.kind in DATA_SUBJECT_KINDS

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED


class EventKind(models.TextChoices):
    RECEIVED = "received", _("received")
    ACKNOWLEDGED = "acknowledged", _("acknowledgement sent")
    ASSIGNED = "assigned", _("assigned")
    NOTE = "note", _("internal note")
    REPLY = "reply", _("reply sent")
    EXTENDED = "extended", _("deadline extended")
    LINKED = "linked", _("linked to a customer")
    FORWARDED = "forwarded", _("forwarded to the controller")
    REQUESTER_TOLD = "requester_told", _("requester told of the forwarding")
    CUSTOMER_ANSWERED = "customer_answered", _("controller answered")
    CLASSIFIED = "classified", _("whose data it is decided")
    REFUSED = "refused", _("refusal sent, with reasons")
    CLOSED = "closed", _("closed")


class Event(models.Model):
    """One step of a request's life; notes are internal, replies are the messages sent to the requester."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor_label = models.CharField(max_length=254)
    text = models.TextField(blank=True)
    # The outbox message of a reply, acknowledgement or extension notice: its deliveries show the status.
    message = models.ForeignKey("notify.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} at {self.at:%Y-%m-%d %H:%M}"

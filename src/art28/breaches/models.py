"""Personal-data breaches (commitment S3): incidents, their scope, decisions, severity, frozen impact
and the notices sent to the affected customers.

Legal frame (PRODUCT.md, "The law the product must model exactly"):

* GDPR Art. 33(2) / nFADP Art. 24(3): the processor tells the controller "without undue delay" / "as
  soon as possible", for every breach. The provider's own promise (ART28_BREACH_NOTICE_HOURS) is a
  contractual commitment, measured per customer in ``AffectedCustomer``; it is not the law.
* GDPR Art. 33(3) + DSV Art. 15(1): what a notice contains (see breaches/notices.py).
* GDPR Art. 33(4) / DSV Art. 15(2): information may follow in phases: ``Notice.kind``.
* GDPR Art. 33(5) / DSV Art. 15(4): every breach is documented (the register) and the documentation is
  kept at least two years (see services.incident_delete).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from art28.breaches.severity import LEVEL_LABELS
from art28.core.models import Language, Organisation, User
from art28.inventory.models import Asset, Service, Site


class Nature(models.TextChoices):
    """GDPR Art. 33(3)(a), DSV Art. 15(1)(a): the nature of the breach (the three security properties)."""

    CONFIDENTIALITY = "confidentiality", _("confidentiality (data disclosed or accessed without authorisation)")
    INTEGRITY = "integrity", _("integrity (data altered without authorisation)")
    AVAILABILITY = "availability", _("availability (data lost or made inaccessible)")


class Phase(models.TextChoices):
    OPEN = "open", _("open")
    ASSESSED = "assessed", _("assessed")
    NOTIFYING = "notifying", _("notifying")
    CLOSED = "closed", _("closed")


class Decision(models.TextChoices):
    PENDING = "pending", _("not decided yet")
    NOTIFY = "notify", _("notify the affected customers")
    NO_NOTIFICATION = "no_notification", _("no notification")


class IncidentSequence(models.Model):
    """The last number used for each year's incident references (INC-2026-0001)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Incident(models.Model):
    """A (possible) personal-data breach, from declaration to the final report."""

    ref = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    aware_at = models.DateTimeField(_("provider aware at"), help_text=_("When the provider became aware of it."))
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, help_text=_("Empty while ongoing."))
    confidentiality = models.BooleanField(_("loss of confidentiality"), default=False)
    integrity = models.BooleanField(_("loss of integrity"), default=False)
    availability = models.BooleanField(_("loss of availability"), default=False)
    # The scope, and the time window over which the impact is computed from the inventory's history
    # (breaches.impact.impact_of_incident; no window: where data is now).
    assets = models.ManyToManyField(Asset, blank=True, related_name="+", verbose_name=_("assets"))
    sites = models.ManyToManyField(Site, blank=True, related_name="+", verbose_name=_("sites"))
    services = models.ManyToManyField(Service, blank=True, related_name="+", verbose_name=_("services"))
    window_from = models.DateTimeField(_("window from"), null=True, blank=True)
    window_to = models.DateTimeField(_("window to"), null=True, blank=True)
    # GDPR Art. 33(3)(c),(d): shown in the notices; Art. 33(5): the remedial action, in the register.
    consequences = models.TextField(_("likely consequences"), blank=True)
    measures = models.TextField(_("measures taken or proposed"), blank=True)
    remedial_action = models.TextField(_("remedial action"), blank=True)
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices, default=Phase.OPEN)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_by_label = models.CharField(max_length=254, blank=True)
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now, editable=False)
    declared_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    declared_by_label = models.CharField(max_length=254, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # ISO/IEC 27001:2022 A.5.27 / clause 10.2: what the incident taught (breaches/lessons.py).
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-declared_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="incident_has_a_nature",
                condition=Q(confidentiality=True) | Q(integrity=True) | Q(availability=True),
                violation_error_message=_("Choose at least one nature: confidentiality, integrity or availability."),
            ),
            models.CheckConstraint(
                name="incident_ends_after_it_starts",
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                violation_error_message=_("The breach cannot end before it started."),
            ),
            models.CheckConstraint(
                name="incident_window_in_order",
                condition=Q(window_from__isnull=True) | Q(window_to__isnull=True) | Q(window_to__gte=F("window_from")),
                violation_error_message=_("The time window must end after it starts."),
            ),
            models.CheckConstraint(
                name="incident_no_notification_has_a_reason",
                condition=~Q(decision="no_notification") | ~Q(decision_reason=""),
                violation_error_message=_("Deciding not to notify needs a written reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("breaches:incident", kwargs={"ref": self.ref})

    @property
    def natures(self) -> list[str]:
        return [n.value for n in Nature if getattr(self, n.value)]

    @property
    def notice_due_at(self) -> dt.datetime:
        """The provider's own commitment (ART28_BREACH_NOTICE_HOURS after awareness), not a legal deadline:
        the law says "without undue delay" (GDPR Art. 33(2)) and "as soon as possible" (nFADP Art. 24(3))."""
        return self.aware_at + dt.timedelta(hours=settings.ART28_BREACH_NOTICE_HOURS)


class IncidentDecision(models.Model):
    """One decision on notifying, kept for the register (GDPR Art. 33(5)): who, when, why, and the
    impact frozen at that moment."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_by_label = models.CharField(max_length=254)
    customers = models.PositiveIntegerField(default=0)
    subjects = models.PositiveBigIntegerField(default=0)
    records = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.decision} at {self.decided_at:%Y-%m-%d %H:%M}"


class AffectedCustomer(models.Model):
    """One customer's impact, frozen when a person decided; the notices and the register use these rows.

    ``first_notice_at``, ``notice_due_at`` and ``late`` are written once, when the first notice reaches
    the customer, and never rewritten (lateness is frozen at the first notice, even if ``aware_at`` is
    later corrected).
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="affected")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    assets = models.TextField(help_text="Affected asset refs, one per line, sorted.")
    data_categories = models.TextField(blank=True, help_text="';'-separated, sorted.")
    # GDPR Art. 33(3)(a), DSV Art. 15(1)(d): the categories of data subjects, aggregated like data_categories.
    subject_categories = models.TextField(blank=True, help_text="';'-separated, sorted.")
    subjects = models.PositiveBigIntegerField(default=0)
    records = models.PositiveBigIntegerField(default=0)
    frozen_at = models.DateTimeField()
    # False when a later freeze no longer finds the customer affected; they were told, so they stay.
    still_affected = models.BooleanField(default=True)
    first_notice_at = models.DateTimeField(null=True, blank=True)
    notice_due_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__ref"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "organisation"], name="affected_customer_once_per_incident")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.organisation_id}"

    @property
    def asset_list(self) -> list[str]:
        return self.assets.split("\n") if self.assets else []

    @property
    def category_list(self) -> list[str]:
        return self.data_categories.split(";") if self.data_categories else []

    @property
    def subject_category_list(self) -> list[str]:
        return self.subject_categories.split(";") if self.subject_categories else []


class SeverityAssessment(models.Model):
    """An ENISA 2013 severity assessment (SE = DPC x EI + CB); see breaches/severity.py. It informs,
    a person decides."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="assessments")
    dpc_base = models.PositiveSmallIntegerField()
    dpc_adjustment = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    dpc_reason = models.TextField(blank=True)
    ease_of_identification = models.DecimalField(max_digits=3, decimal_places=2)
    cb_confidentiality = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    cb_integrity = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    cb_availability = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    malicious = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=6, decimal_places=4)
    level = models.CharField(max_length=10, choices=list(LEVEL_LABELS.items()))
    notes = models.TextField(blank=True)
    assessed_at = models.DateTimeField(default=timezone.now)
    assessed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    assessed_by_label = models.CharField(max_length=254)

    class Meta:
        ordering = ["-assessed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.score} ({self.level})"

    @property
    def final_dpc(self) -> Decimal:
        """The DPC the score used: the base moved by the context (ENISA 2013; a whole 1-4 since whole
        steps are required). Assessments recorded under the earlier ±1 rule may hold a sum outside 1-4
        that was then clamped into it; the stored score used the clamped value, so it is shown here too."""
        return min(max(Decimal(self.dpc_base) + Decimal(self.dpc_adjustment), Decimal(1)), Decimal(4))


class NoticeKind(models.TextChoices):
    """GDPR Art. 33(4), DSV Art. 15(2): information may be provided in phases."""

    INITIAL = "initial", _("first notice")
    UPDATE = "update", _("update")
    FINAL = "final", _("final report")


class Notice(models.Model):
    """One phase of the notification, with the per-language texts a person may edit before sending.

    ``texts`` is ``{language: {"subject": …, "body": …}}``; per-customer facts are placeholders
    (``{subjects}`` …) filled in at sending, see breaches/notices.py. Once sent, the texts are what was sent.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=NoticeKind.choices)
    sequence = models.PositiveSmallIntegerField()
    texts = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by_label = models.CharField(max_length=254)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sent_by_label = models.CharField(max_length=254, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    deliveries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["incident", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "sequence"], name="notice_sequence_unique"),
            models.UniqueConstraint(
                fields=["incident"],
                condition=Q(kind="initial"),
                name="notice_one_initial_per_incident",
                violation_error_message=_("An incident has one first notice; later ones are updates."),
            ),
            models.UniqueConstraint(
                fields=["incident"],
                condition=Q(kind="final"),
                name="notice_one_final_per_incident",
                violation_error_message=_("An incident has one final report."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} notice #{self.sequence} ({self.kind})"

    @property
    def languages(self) -> list[str]:
        order = [code for code, _label in Language.choices]
        return sorted(self.texts, key=lambda code: order.index(code) if code in order else len(order))

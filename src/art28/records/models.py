"""Records of processing and what they are made of (S9, S12).

GDPR Art. 32(1): technical and organisational measures, (a) pseudonymisation and encryption,
(b) confidentiality, integrity, availability and resilience, (c) restoring availability after an
incident, (d) regular testing and evaluation; nFADP Art. 8 and DSV Art. 1-6 the same in Swiss law.
GDPR Art. 30(2) / nFADP Art. 12: the processor's record for each controller is generated from the
inventory, services, sub-processors and these measures (never typed twice); Art. 30(1): the provider's
own record as controller of its customer-account data is typed by the DPO (``ProcessingActivity``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from art28.core.models import User
from art28.core.translated import translations_field
from art28.inventory.models import Service


class MeasureArea(models.TextChoices):
    """GDPR Art. 32(1)(a)-(d)."""

    PSEUDONYMISATION_ENCRYPTION = "a", _("(a) pseudonymisation and encryption")
    CONFIDENTIALITY_INTEGRITY = "b", _("(b) confidentiality, integrity, availability and resilience")
    RESTORE = "c", _("(c) restoring availability and access after an incident")
    TESTING = "d", _("(d) regular testing, assessment and evaluation")


class TechnicalMeasure(models.Model):
    """A technical or organisational measure, owned by a person and reviewed on a cadence."""

    ref = models.SlugField(_("reference"), max_length=40, unique=True, help_text=_("e.g. tom-a-disk-encryption"))
    area = models.CharField(_("area"), max_length=1, choices=MeasureArea.choices)
    title = models.CharField(_("title"), max_length=200)
    title_i18n = translations_field(_("title: translations"))
    description = models.TextField(_("description"))
    description_i18n = translations_field(_("description: translations"))
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    review_every_days = models.PositiveIntegerField(_("review every (days)"), default=365)
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    next_review_on = models.DateField(_("next review on"))
    # Empty: the measure applies to every service.
    services = models.ManyToManyField(Service, related_name="measures", blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # As a control (S2; docs/evidence.md): where it comes from in Swiss law and in ISO/IEC 27001:2022
    # (Annex A ids only: the standard's text is not ours to copy; the GDPR's is ``area``), whether it
    # applies (the Statement of Applicability), and which evidence collectors (core.evidence) prove it.
    nfadp_refs = models.JSONField(
        _("nFADP / DSV references"), default=list, blank=True, help_text=_('e.g. ["nFADP 8", "DSV 3(1)(a)"]')
    )
    iso_refs = models.JSONField(
        _("ISO/IEC 27001:2022 Annex A controls"), default=list, blank=True, help_text=_('e.g. ["A.8.24"]')
    )
    applicable = models.BooleanField(_("applicable"), default=True)
    applicability_reason = models.TextField(_("why not applicable"), blank=True)
    evidence_sources = models.JSONField(
        _("evidence collectors"), default=list, blank=True, help_text=_("keys of the collectors whose items prove it")
    )

    class Meta:
        ordering = ["area", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(applicable=True) | ~models.Q(applicability_reason=""),
                name="records_measure_not_applicable_has_reason",
                violation_error_message=_("Say why the control does not apply."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.title}"


class Responsibility(models.Model):
    """One line of a service's responsibility matrix: who does what (the controller's part and the
    processor's part, GDPR Art. 28(3)(f) and the provider page's "who is responsible for what")."""

    # Empty: a line of every service's matrix (e.g. "content hosted" is always the customer's).
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="responsibilities"
    )
    topic = models.CharField(_("topic"), max_length=200)
    topic_i18n = translations_field(_("topic: translations"))
    customer_part = models.TextField(_("the customer's responsibility"))
    customer_part_i18n = translations_field(_("the customer's responsibility: translations"))
    provider_part = models.TextField(_("the provider's responsibility"))
    provider_part_i18n = translations_field(_("the provider's responsibility: translations"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["service__name", "position", "topic"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "topic"],
                name="records_responsibility_topic_once_per_service",
                violation_error_message=_("This service already has a line on this topic."),
            )
        ]

    def __str__(self) -> str:
        return self.topic


class ProcessingActivity(models.Model):
    """An activity of the provider's own record as controller (GDPR Art. 30(1), nFADP Art. 12(2)):
    its customer accounts, billing, support… Typed and kept current by the DPO."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    purposes = models.TextField(_("purposes"))
    data_subject_categories = models.TextField(_("categories of data subjects"))
    personal_data_categories = models.TextField(_("categories of personal data"))
    recipients = models.TextField(_("categories of recipients"), blank=True)
    transfers = models.TextField(_("transfers abroad and their safeguards"), blank=True)
    retention = models.TextField(_("retention periods"))
    measures = models.TextField(_("general description of the security measures"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

"""Evidence of the provider's controls (S2; docs/evidence.md).

A control is a technical or organisational measure (records.TechnicalMeasure: one table, its ids kept,
the audit trail names them). Its evidence is collected by art28's own modules (core.evidence's
collectors: residency audits, attestations, breach notices, sub-processor notices, DPO deadlines,
measure reviews, intrusion tests, isolation runs, security-update service levels) or uploaded by a person.
Each item says what it proves is true as of (``effective_at``), when it was collected, and until when it
counts (``valid_until``); its content is hashed (SHA-256) so the auditor's pack can be checked offline.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from art28.core.models import Organisation, User
from art28.records.models import TechnicalMeasure


class EvidenceSource(models.TextChoices):
    COLLECTOR = "collector", _("collected by art28")
    UPLOAD = "upload", _("uploaded by a person")


class Evidence(models.Model):
    """One item of evidence. Never edited once stored: a new collection adds items, it does not rewrite
    them (the same source's ``key`` is stored once)."""

    source = models.CharField(_("source"), max_length=12, choices=EvidenceSource.choices)
    collector = models.CharField(_("collector"), max_length=60, blank=True)  # core.evidence key; "" for uploads
    key = models.CharField(_("key"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    effective_at = models.DateTimeField(_("true as of"))
    collected_at = models.DateTimeField(_("collected at"))
    valid_until = models.DateField(_("valid until"))
    passed = models.BooleanField(_("no problem found"), default=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    file = models.BinaryField(_("file"), null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("customer")
    )
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Controls it supports besides those whose evidence_sources name its collector (an upload's, a review's).
    controls = models.ManyToManyField(TechnicalMeasure, related_name="evidence", blank=True)

    class Meta:
        ordering = ["-effective_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "collector", "key"], name="evidence_source_key_unique"),
            models.CheckConstraint(
                condition=~models.Q(source="collector") | ~models.Q(collector=""),
                name="evidence_collected_has_collector",
            ),
        ]
        indexes = [
            models.Index(fields=["collector", "-effective_at"], name="evidence_collector_effective"),
            models.Index(fields=["effective_at"], name="evidence_effective"),
        ]

    def __str__(self) -> str:
        return f"{self.collector or self.get_source_display()}: {self.title}"


class CollectionRun(models.Model):
    """One collector run over one window ``[since, until)``: what it found, and its error if it failed."""

    collector = models.CharField(max_length=60)
    since = models.DateTimeField()
    until = models.DateTimeField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    found = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    failing = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["collector", "-until"], name="evidence_run_collector_until")]

    def __str__(self) -> str:
        return f"{self.collector} {self.since:%Y-%m-%d} to {self.until:%Y-%m-%d}"

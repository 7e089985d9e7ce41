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
from django.utils.translation import pgettext_lazy

from art28.core.models import Organisation, User
from art28.notify.models import Message
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


# --- improvement: nonconformities and corrective actions (ISO/IEC 27001:2022 clause 10.2; GDPR Art. 32(1)(d)) ---


class NonconformitySource(models.TextChoices):
    FAILING_CONTROL = "failing-control", _("a failing control")
    INTERNAL_AUDIT = "internal-audit", _("an internal audit")
    EXTERNAL_AUDIT = "external-audit", _("an external audit")
    INTRUSION_TEST = "intrusion-test", _("an intrusion-test finding")
    INCIDENT = "incident", _("an incident's lessons learned")
    OTHER = "other", _("other")


class NonconformityStatus(models.TextChoices):
    """open (its cause not yet found) → actions planned → verifying effectiveness (every action done) →
    closed (found effective); found not effective, it goes back to "actions planned" for a new cycle."""

    OPEN = "open", _("open")
    ACTIONS_PLANNED = "actions-planned", _("actions planned")
    VERIFYING = "verifying", _("verifying effectiveness")
    CLOSED = "closed", _("closed")


class NonconformitySequence(models.Model):
    """The last number used for each year's nonconformity references (NC-2026-001), locked to allocate."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Nonconformity(models.Model):
    """Something that did not meet a requirement (ISO/IEC 27001:2022 clause 10.2): where it was found, its
    root cause, the corrective actions, and whether they worked. The ``effectiveness_*`` fields hold the
    latest verification (a "not effective" one sends it back for a new ``cycle``; the audit trail keeps all)."""

    ref = models.CharField(_("reference"), max_length=20, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    source = models.CharField(_("found by"), max_length=20, choices=NonconformitySource.choices)
    source_ref = models.CharField(
        _("source reference"), max_length=100, blank=True, help_text=_("e.g. INC-2026-0001, RT-2026/RT-1")
    )
    control = models.ForeignKey(
        TechnicalMeasure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nonconformities",
        verbose_name=_("control"),
    )
    raised_on = models.DateField(_("found on"))
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by"))
    root_cause = models.TextField(_("root cause"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=NonconformityStatus.choices, default=NonconformityStatus.OPEN
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    effectiveness_verified_on = models.DateField(_("effectiveness verified on"), null=True, blank=True)
    effectiveness_verified_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("verified by")
    )
    effectiveness_note = models.TextField(_("effectiveness note"), blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        ordering = ["-raised_on", "-pk"]
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        constraints = [
            models.UniqueConstraint(
                fields=["ref"],
                name="nonconformity_ref_unique",
                violation_error_message=_("This nonconformity reference is taken."),
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=NonconformitySource.values),
                name="nonconformity_source_known",
                violation_error_message=_("Unknown source."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=NonconformityStatus.values),
                name="nonconformity_status_known",
                violation_error_message=_("Unknown status."),
            ),
            models.CheckConstraint(
                condition=~models.Q(source="failing-control") | models.Q(control__isnull=False),
                name="nonconformity_failing_control_names_it",
                violation_error_message=_("A nonconformity from a failing control names the control."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(root_cause=""),
                name="nonconformity_past_open_has_root_cause",
                violation_error_message=_("Find the root cause before planning corrective actions."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed")
                | models.Q(effectiveness_verified_on__isnull=False, effectiveness_verified_by__isnull=False),
                name="nonconformity_closed_is_verified",
                violation_error_message=_("A nonconformity closes when its actions are verified effective."),
            ),
        ]
        indexes = [models.Index(fields=["status", "-raised_on"], name="nonconformity_status_raised")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse  # here: the models file's imports are the lead's

        return reverse("evidence:nonconformity", kwargs={"ref": self.ref})


class CorrectiveAction(models.Model):
    """One action against a nonconformity's cause (ISO/IEC 27001:2022 10.2 c): what, who, by when, and
    when it was done with what was done."""

    nonconformity = models.ForeignKey(Nonconformity, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done_on__isnull=True) | ~models.Q(done_note=""),
                name="corrective_action_done_says_what",
                violation_error_message=_("Say what was done."),
            ),
        ]
        indexes = [models.Index(fields=["done_on", "due_on"], name="corrective_action_open_due")]

    def __str__(self) -> str:
        return f"{self.nonconformity_id}: {self.description[:60]}"


class PackStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("evidence pack", "queued")
    RUNNING = "running", pgettext_lazy("evidence pack", "being written")
    DONE = "done", pgettext_lazy("evidence pack", "ready")
    FAILED = "failed", pgettext_lazy("evidence pack", "failed")


class EvidencePack(models.Model):
    """An auditor's pack asked for from a staff page and written by the task worker (a year of a large
    provider takes minutes): its period, its progress while it is written, and the file when done. The
    file lives under ART28_DATA_DIR/packs/ (streamed to disk, never in the database)."""

    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.QUEUED)
    stage = models.CharField(max_length=40, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_from__lte=models.F("date_to")),
                name="evidence_pack_period_in_order",
                violation_error_message=_("The period starts before it ends."),
            )
        ]

    def __str__(self) -> str:
        return f"evidence pack {self.date_from} to {self.date_to}"


# --- reminders to owners, through the outbox (docs/evidence.md, "Reminders") ---


class ReminderKind(models.TextChoices):
    EVIDENCE_EXPIRING = "evidence-expiring", _("evidence expires soon")
    EVIDENCE_EXPIRED = "evidence-expired", _("evidence expired")
    TEST_DUE = "test-due", _("test due soon")
    TEST_OVERDUE = "test-overdue", _("test overdue")
    CONTROL_FAILING = "control-failing", _("control failing")
    ACTION_DUE = "action-due", _("corrective action due soon")
    ACTION_OVERDUE = "action-overdue", _("corrective action overdue")


class Reminder(models.Model):
    """One reminder sent to the owner of a control or of a corrective action. The same thing (``kind``,
    ``subject``, ``due_on``) is reminded once: a new item of evidence, a new test date or a new due day is a
    new thing, so the owner hears of each lapse once and never every night."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    # What it is about, by reference: "tom-b-data-residency/residency.audit", "tom-b-x/test", "NC-2026-001/7".
    subject = models.CharField(_("about"), max_length=200)
    due_on = models.DateField(_("due on"))
    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("to"))
    control = models.ForeignKey(
        TechnicalMeasure, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    action = models.ForeignKey(
        "CorrectiveAction", on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject", "due_on"], name="reminder_once_per_thing"),
            models.CheckConstraint(condition=models.Q(kind__in=ReminderKind.values), name="reminder_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} ({self.due_on})"

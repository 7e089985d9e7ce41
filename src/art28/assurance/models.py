"""What the provider shows of its assurance on the trust center: its face (logo, tagline) and its
certifications (ISO/IEC 27001, ISO/IEC 27701, SOC 2 …), each with its validity and certificate.

Files are stored in the database (a BinaryField with its content type, size and SHA-256), not in MEDIA:
several web machines then need no shared volume, and a backup of the database holds them. Blobs are
never loaded by the selectors that list rows (``defer``); only the views that serve them read them.

Intrusion tests (S6; docs/assurance.md): campaigns per service with their report, findings scored with
CVSS (the ``cvss`` library), each affected asset's status, and retest rounds whose history is kept.
Isolation probes come next.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from art28.inventory.models import Asset, Service

# A certification this close to its end is flagged to staff (renewal audits take weeks to book).
EXPIRY_WARNING = dt.timedelta(days=60)


class TrustCenterProfile(models.Model):
    """The trust center's face: the provider's logo and a short text. One row. The provider's NAME is
    not here: it is ``settings.ART28_PROVIDER_NAME``, the one source every output reads."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    logo = models.BinaryField(_("logo"), null=True, blank=True)
    logo_content_type = models.CharField(max_length=40, blank=True)
    logo_size = models.PositiveIntegerField(default=0)
    logo_sha256 = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trust center profile")
        constraints = [models.CheckConstraint(name="assurance_trust_profile_single_row", condition=Q(id=1))]

    def __str__(self) -> str:
        return "Trust center profile"

    @property
    def has_logo(self) -> bool:
        return bool(self.logo_sha256)


class Certification(models.Model):
    """A certification the provider holds (``ISO/IEC 27001:2022`` by a certification body, for a scope),
    valid from one day through another, both included; published on the trust center while valid."""

    name = models.CharField(_("name"), max_length=200)
    issuer = models.CharField(_("certification body"), max_length=200)
    scope = models.TextField(_("scope"), max_length=2000, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    certificate = models.BinaryField(_("certificate"), null=True, blank=True)
    certificate_content_type = models.CharField(max_length=40, blank=True)
    certificate_size = models.PositiveIntegerField(default=0)
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name", "pk"]
        verbose_name = _("certification")
        constraints = [
            models.CheckConstraint(
                name="assurance_certification_valid_until_after_from",
                condition=Q(valid_until__gte=F("valid_from")),
                violation_error_message=_("A certification cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_certificate(self) -> bool:
        return bool(self.certificate_sha256)

    def is_valid_on(self, day: dt.date) -> bool:
        """Valid from ``valid_from`` through ``valid_until``, both days included."""
        return self.valid_from <= day <= self.valid_until

    def status_on(self, day: dt.date) -> str:
        """ "not-yet", "valid", "expiring" (within EXPIRY_WARNING of its end) or "expired"."""
        if day < self.valid_from:
            return "not-yet"
        if day > self.valid_until:
            return "expired"
        return "expiring" if self.valid_until - day <= EXPIRY_WARNING else "valid"


class CampaignKind(models.TextChoices):
    EXTERNAL = "external", _("external")
    INTERNAL = "internal", _("internal")
    WEB_APPLICATION = "web-application", _("web application")
    ISOLATION = "isolation", _("isolation between customers")


class ServiceCadence(models.Model):
    """How often a service must be tested, when not ART28_PENTEST_CADENCE_MONTHS (the page's "at least
    once a year": 12)."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="pentest_cadence")
    months = models.PositiveSmallIntegerField(_("months between intrusion tests"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="assurance_cadence_positive",
                condition=Q(months__gte=1),
                violation_error_message=_("A cadence is at least one month."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.service}: every {self.months} months"


class Campaign(models.Model):
    """An intrusion test of one service, by a tester (a firm, independent of the provider or not), over a
    scope, from one day to another; its report is kept with its SHA-256 and never served publicly. Only a
    campaign with ``completed_on`` counts for the service's cadence."""

    ref = models.CharField(_("reference"), max_length=64, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="pentest_campaigns")
    kind = models.CharField(_("kind"), max_length=20, choices=CampaignKind.choices)
    tester = models.CharField(_("tester"), max_length=200)
    tester_independent = models.BooleanField(_("independent tester"), default=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    scope_assets = models.ManyToManyField(Asset, blank=True, related_name="+")
    report = models.BinaryField(null=True, blank=True)
    report_name = models.CharField(max_length=200, blank=True)
    report_content_type = models.CharField(max_length=80, blank=True)
    report_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "ref"]
        indexes = [models.Index(fields=["service", "completed_on"], name="campaign_service_done_idx")]
        constraints = [
            models.CheckConstraint(
                name="assurance_campaign_completed_after_start",
                condition=Q(completed_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(completed_on__gte=F("started_on")),
                violation_error_message=_("A campaign cannot be completed before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.ref


class FindingSeverity(models.TextChoices):
    """CVSS qualitative ratings (v3.1 §5, v4.0 §2): "none" is outside the service levels."""

    CRITICAL = "critical", _("critical")
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")
    NONE = "none", _("none")


class Finding(models.Model):
    """A weakness a campaign found, with its CVSS vector (v3.1 or v4.0), the score and severity the
    ``cvss`` library computes from it (or a score alone, as SARIF's ``security-severity`` gives), and its
    remediation clock: due ``reported_on`` + the service level of its severity (core.service_levels)."""

    # No index of its own: the (campaign, ref) unique constraint's index starts with it.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="findings", db_index=False)
    ref = models.CharField(_("reference"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)
    vector = models.CharField(_("CVSS vector"), max_length=300, blank=True)
    score = models.DecimalField(_("CVSS base score"), max_digits=3, decimal_places=1, null=True, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=FindingSeverity.choices)
    reported_on = models.DateField(_("reported on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "ref"]
        constraints = [models.UniqueConstraint(fields=["campaign", "ref"], name="assurance_finding_ref_unique")]

    def __str__(self) -> str:
        return f"{self.campaign.ref}/{self.ref}"


class FindingStatus(models.TextChoices):
    OPEN = "open", _("open")
    FIXED = "fixed", _("fixed")
    RISK_ACCEPTED = "risk-accepted", _("risk accepted")
    FALSE_POSITIVE = "false-positive", _("false positive")


class AffectedAsset(models.Model):
    """A finding on one asset, with its own status: fixed on one server, open on another. A risk accepted
    names its owner, reason and expiry (core.service_levels); once expired the finding counts as open."""

    # No index of its own: the (finding, asset) unique constraint's index starts with it.
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="affected", db_index=False)
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    # Rarely set, never searched by: an index would cost every imported row a write.
    accepted_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    accepted_reason = models.TextField(blank=True)
    accepted_until = models.DateField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["finding", "asset"], name="assurance_affected_unique"),
            models.CheckConstraint(
                name="assurance_accepted_has_owner_reason_expiry",
                condition=~Q(status="risk-accepted")
                | (Q(accepted_by__isnull=False) & Q(accepted_until__isnull=False) & ~Q(accepted_reason="")),
                violation_error_message=_("A risk accepted needs an owner, a reason and an expiry."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finding} on {self.asset_id}"

    def counts_as_open(self, today: dt.date) -> bool:
        """Open, or a risk acceptance that has expired (someone must decide again)."""
        if self.status == FindingStatus.OPEN:
            return True
        return self.status == FindingStatus.RISK_ACCEPTED and (
            self.accepted_until is None or self.accepted_until < today
        )


class RetestOutcome(models.TextChoices):
    FIXED = "fixed", _("fixed")
    NOT_FIXED = "not-fixed", _("not fixed")
    PARTLY = "partly", _("partly fixed")


class Retest(models.Model):
    """A retest round of one finding: on a day, by a tester, an outcome per asset. Rounds are kept: the
    history shows each attempt, not only the last state."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="retests")
    tested_on = models.DateField(_("tested on"))
    tester = models.CharField(_("tester"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["finding", "tested_on", "pk"]

    def __str__(self) -> str:
        return f"retest of {self.finding} on {self.tested_on}"


class RetestResult(models.Model):
    retest = models.ForeignKey(Retest, on_delete=models.CASCADE, related_name="results")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=RetestOutcome.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["retest", "asset"], name="assurance_retest_asset_unique")]

    def __str__(self) -> str:
        return f"{self.retest}: {self.asset_id} {self.outcome}"


class ProbeOutcome(models.TextChoices):
    """An isolation probe pair's outcome (docs/assurance.md): a refusal proves isolation only when the
    owner's same access succeeded (the control); an attack that succeeded is a breach whatever the control
    did; a failed control makes the pair inconclusive, never a pass."""

    ISOLATED = "isolated", _("isolated")
    BREACH = "breach", _("breach")
    INCONCLUSIVE = "inconclusive", _("inconclusive")


class IsolationRun(models.Model):
    """One run of an isolation probe suite: when, which suite (its name and SHA-256; the file holds only
    references to secrets), the outcome counts, and the signed statement when one was asked for."""

    suite = models.CharField(_("suite"), max_length=200)
    suite_sha256 = models.CharField(max_length=64)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    isolated = models.PositiveIntegerField(default=0)
    breaches = models.PositiveIntegerField(default=0)
    inconclusive = models.PositiveIntegerField(default=0)
    signed = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["started_at"], name="isolation_run_started_idx")]

    def __str__(self) -> str:
        return f"{self.suite} at {self.started_at:%Y-%m-%d %H:%M}"


class ProbeResult(models.Model):
    """One pair of a run: what the attack and the control met, and the outcome."""

    run = models.ForeignKey(IsolationRun, on_delete=models.CASCADE, related_name="results")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20)
    tenant = models.CharField(max_length=64, blank=True)  # the attacker's organisation reference
    target = models.CharField(max_length=64, blank=True)  # whose resource it is
    assets = models.CharField(max_length=500, blank=True)  # inventory refs, ";"-separated
    outcome = models.CharField(_("outcome"), max_length=20, choices=ProbeOutcome.choices)
    attack = models.CharField(max_length=300)  # what the attack met: "refused: HTTP 403", "succeeded: …"
    control = models.CharField(max_length=300)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["run", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.outcome}"

"""Security updates (commitment S7): advisories, the hosts' installed packages over time, upgrades.

What a host has installed is kept as intervals per (host, source package, source version), not copied per
import: a nightly re-import of an unchanged fleet writes nothing but the import's own record. Versions are
stored once per distinct (package, version) with a sort key (patching.version.version_key) that orders
bytewise like dpkg, so the database compares versions (docs/patching.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from art28.inventory.models import Asset

# Hosts are the inventory's assets of these kinds (a package inventory of anything else is refused).
HOST_KINDS = ("host", "vm")


class PackageVersion(models.Model):
    """One (source package, source version), with its dpkg sort key. Shared by every host that has it, so
    matching compares each distinct pair once (Debian Policy §5.6.12 for the order)."""

    package = models.CharField(max_length=200)
    version = models.CharField(max_length=200)
    # ASCII; SQLite compares it bytewise (BINARY), PostgreSQL with the "C" collation (migration 0001).
    key = models.CharField(max_length=500)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["package", "version"], name="packageversion_unique")]
        indexes = [models.Index(fields=["package", "key"], name="packageversion_key_idx")]

    def __str__(self) -> str:
        return f"{self.package} {self.version}"


class PackageSnapshot(models.Model):
    """One import of one host's package list: when it was taken, for which release, from which file."""

    class Format(models.TextChoices):
        DPKG_QUERY = "dpkg-query", "dpkg-query"
        CYCLONEDX = "cyclonedx", "CycloneDX"
        TRIVY = "trivy", "Trivy"
        DPKG_LOG = "dpkg-log", "dpkg.log"

    host = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="package_snapshots")
    taken_at = models.DateTimeField()
    release = models.CharField(_("release"), max_length=40)
    format = models.CharField(max_length=20, choices=Format.choices)
    sha256 = models.CharField(max_length=64)
    packages = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-taken_at"]
        indexes = [models.Index(fields=["host", "taken_at"], name="pkgsnapshot_host_idx")]

    def __str__(self) -> str:
        return f"{self.host_id} {self.release} at {self.taken_at:%Y-%m-%d %H:%M}"


class InstalledPeriod(models.Model):
    """A host had ``version`` of a source package installed over [since, until) (until empty: still).
    ``release`` is the host's Debian release then: an advisory tracked only for another release does not
    concern it. Of several binaries of one source at different versions, the lowest counts."""

    host = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PackageVersion, on_delete=models.PROTECT, related_name="+")
    release = models.CharField(max_length=40)
    since = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)
    # When the host first had this source package, at any version (carried over on upgrades): the patch
    # clock of a host that installed a package after its fix was published starts then.
    package_since = models.DateTimeField()

    # Two indexes, the foreign keys' own: ``host`` (each import reads what its hosts have now, and deleting
    # a host finds its periods) and ``version`` (matching on SQLite, PROTECT). No partial index on the
    # current rows beside ``host``: a host's closed periods are few next to its current ones, and each
    # index costs a 20M-row first import about as much as the load (migration 0002).

    def __str__(self) -> str:
        return f"{self.host_id}: {self.version_id} since {self.since:%Y-%m-%d}"


class Upgrade(models.Model):
    """A host's source package went from one version to another at ``at``: the snapshot's time (the change
    happened between two snapshots; the later one is when it was seen), or the real time from dpkg.log."""

    class Source(models.TextChoices):
        SNAPSHOT = "snapshot", _("package snapshot")
        DPKG_LOG = "dpkg-log", _("dpkg.log")

    host = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    package = models.CharField(max_length=200)
    from_version = models.ForeignKey(PackageVersion, on_delete=models.PROTECT, related_name="+")
    to_version = models.ForeignKey(PackageVersion, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    source = models.CharField(max_length=20, choices=Source.choices)
    # The host's release then (an advisory of another release is not fixed by it), and when the host first
    # had the package (the patch clock starts no earlier): copied from its installed periods.
    release = models.CharField(max_length=40)
    package_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["host", "package", "to_version"], name="upgrade_once_per_version")
        ]
        indexes = [models.Index(fields=["at"], name="upgrade_at_idx")]

    def __str__(self) -> str:
        return f"{self.host_id} {self.package} → {self.to_version_id} at {self.at:%Y-%m-%d %H:%M}"


class Severity(models.TextChoices):
    CRITICAL = "critical", _("critical")
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")
    # Debian's "unimportant": listed, outside the service levels.
    UNIMPORTANT = "unimportant", _("unimportant")


SEVERITY_ORDER = [s.value for s in Severity]


class Vulnerability(models.Model):
    """A CVE, with what the enrichment feeds say of it (OSV's CVSS and publication, CISA KEV, EPSS)."""

    cve = models.CharField(max_length=40, unique=True)
    description = models.TextField(blank=True)
    published = models.DateTimeField(_("published"), null=True, blank=True)
    cvss_score = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    cvss_vector = models.CharField(max_length=200, blank=True)
    known_exploited_since = models.DateField(_("known exploited since (CISA KEV)"), null=True, blank=True)
    epss = models.FloatField(null=True, blank=True)
    epss_percentile = models.FloatField(null=True, blank=True)
    first_seen = models.DateTimeField()

    class Meta:
        verbose_name_plural = "vulnerabilities"

    def __str__(self) -> str:
        return self.cve


class AdvisoryStatus(models.TextChoices):
    RESOLVED = "resolved", _("fixed")
    OPEN = "open", _("open, no fix yet")
    UNDETERMINED = "undetermined", _("undetermined")
    # Debian's "end-of-life" urgency: no fix will come for this release (an unsupported package).
    UNSUPPORTED = "unsupported", _("unsupported package")
    # resolved with fixed_version "0": this release's package was never affected.
    NOT_AFFECTED = "not-affected", _("never affected")


class Advisory(models.Model):
    """What the Debian Security Tracker says of one CVE in one source package for one release.

    ``fix_published`` starts the patch clock: the DSA/DLA or OSV publication date when known, else the
    first import that showed the fix (``fix_published_source`` says which)."""

    vulnerability = models.ForeignKey(Vulnerability, on_delete=models.CASCADE, related_name="advisories")
    package = models.CharField(max_length=200)
    release = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=AdvisoryStatus.choices)
    fixed_version = models.CharField(max_length=200, blank=True)
    fixed_key = models.CharField(max_length=500, blank=True)
    urgency = models.CharField(max_length=40, blank=True)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    first_seen = models.DateTimeField()
    fix_published = models.DateTimeField(null=True, blank=True)
    fix_published_source = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vulnerability", "package", "release"], name="advisory_unique")]
        indexes = [models.Index(fields=["package", "release"], name="advisory_package_idx")]

    def __str__(self) -> str:
        return f"{self.vulnerability_id} {self.package} ({self.release}): {self.status}"


class BinarySource(models.Model):
    """Which source package a binary package is built from (from the imported package lists): dpkg.log
    names binaries, exposure and fixes are per source."""

    binary = models.CharField(max_length=200, unique=True)
    source = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.binary} ← {self.source}"


class PatchException(models.Model):
    """A risk accepted for a CVE, on one host or on every host (``host`` empty), until ``expires_on``
    (that day included): the exposure is listed as accepted and counts for no service level meanwhile.
    An expired exception counts again; one whose exposure is gone (the package got fixed) is stale."""

    vulnerability = models.ForeignKey(Vulnerability, on_delete=models.CASCADE, related_name="exceptions")
    host = models.ForeignKey(Asset, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    owner = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    expires_on = models.DateField(_("expires on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expires_on"]
        constraints = [
            models.CheckConstraint(
                name="patchexception_reason_given",
                condition=~models.Q(reason=""),
                violation_error_message=_("Say why the risk is accepted."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.vulnerability_id} on {self.host_id or 'every host'} until {self.expires_on}"

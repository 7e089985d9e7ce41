"""Where customer data lives: sites, the asset tree, placements of customer data, and flows (S1)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from art28.core.models import Organisation
from art28.core.translated import translations_field


class Site(models.Model):
    """A datacenter or room. ``operator`` empty = the provider's own; else the colocation company."""

    class CountrySource(models.TextChoices):
        DECLARED = "declared", _("declared in the import")
        NETBOX_REGION = "netbox-region", _("NetBox region")
        NETBOX_CUSTOM_FIELD = "netbox-custom-field", _("NetBox custom field")
        UNKNOWN = "unknown", _("unknown")

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2; empty = unknown location")
    )
    country_source = models.CharField(max_length=30, choices=CountrySource.choices, default=CountrySource.DECLARED)
    # What exactly the country was read from (e.g. the NetBox region slug), for the record.
    country_source_detail = models.CharField(max_length=200, blank=True)
    operator = models.CharField(_("operator"), max_length=200, blank=True)
    # Where the site's clocks run: the local time of its logs (dpkg.log, badge readers). Validated by the import.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text=_("An IANA name such as Europe/Zurich; empty = its country's main zone"),
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_colocation(self) -> bool:
        return bool(self.operator)


class Service(models.Model):
    """A product of the provider (web hosting, object storage …); assets serve one."""

    # ``name`` is the English name and the service's key (imports, URLs, the register's JSON); a page
    # shows it in the reader's language from ``name_i18n`` (art28.core.translated).
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_i18n = translations_field(_("name: translations"))
    description = models.TextField(blank=True)
    description_i18n = translations_field(_("description: translations"))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssetKind(models.TextChoices):
    HOST = "host", _("host")
    VM = "vm", _("virtual machine")
    VOLUME = "volume", _("volume")
    STORAGE_CLUSTER = "storage_cluster", _("storage cluster")
    BUCKET = "bucket", _("bucket")
    DATABASE = "database", _("database")
    MAILSTORE = "mailstore", _("mailstore")
    BACKUP_SET = "backup_set", _("backup set")


class Asset(models.Model):
    """A node of the asset tree (host > vm > volume, storage cluster > volume …).

    ``location`` is the effective site: the asset's own, else its nearest ancestor's. It is
    maintained by ``inventory.engine.refresh_locations`` after every write to the tree.
    """

    ref = models.CharField(_("reference"), max_length=128, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AssetKind.choices)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="assets")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="assets")
    location = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="located_assets", editable=False
    )
    # The import source that brought the asset (``--source``; by default the format's name). A full sync
    # of a source ends that source's assets absent from its input (docs/inventory-sync.md).
    source = models.CharField(_("source"), max_length=64, blank=True, editable=False)
    # Set when a sync ends the asset: it is kept (incidents and history name it) but is no longer part
    # of the current inventory. None = current.
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["ref"]
        constraints = [
            models.CheckConstraint(
                name="asset_not_its_own_parent",
                condition=~Q(parent=F("pk")),
                violation_error_message=_("An asset cannot be its own parent."),
            )
        ]

    def __str__(self) -> str:
        return self.ref


class Placement(models.Model):
    """A customer's personal data on an asset, with what is stored and how much."""

    customer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="placements")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="placements")
    # Sorted, ';'-separated, so that re-importing the same categories in another order changes nothing.
    data_categories = models.CharField(_("data categories"), max_length=500, blank=True)
    # GDPR Art. 33(3)(a), DSV Art. 15(1)(d): whose data it is (customers, employees, patients …), for the
    # breach notices. Stored like data_categories.
    subject_categories = models.CharField(_("categories of data subjects"), max_length=500, blank=True)
    subjects = models.PositiveBigIntegerField(_("estimated data subjects"), default=0)
    records = models.PositiveBigIntegerField(_("estimated records"), default=0)
    source = models.CharField(_("source"), max_length=64, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "asset"],
                name="placement_one_per_customer_and_asset",
                violation_error_message=_("This customer already has a placement on this asset."),
            )
        ]
        indexes = [models.Index(fields=["asset"], name="placement_asset_idx")]

    def __str__(self) -> str:
        return f"{self.customer.ref}@{self.asset.ref}"

    @property
    def category_list(self) -> list[str]:
        return self.data_categories.split(";") if self.data_categories else []

    @property
    def subject_category_list(self) -> list[str]:
        return self.subject_categories.split(";") if self.subject_categories else []


class FlowKind(models.TextChoices):
    REPLICATION = "replication", _("replication")
    BACKUP = "backup", _("backup")
    SUPPORT_ACCESS = "support_access", _("support access")
    TRANSFER = "transfer", _("transfer")


class Flow(models.Model):
    """Data leaving an asset, to another asset, a site or a country.

    A flow carries the data of every placement on its asset or below it; data it brings to another
    asset is carried on by that asset's flows (see residency.engine).
    """

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="flows")
    kind = models.CharField(_("kind"), max_length=20, choices=FlowKind.choices)
    to_asset = models.ForeignKey(Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="incoming_flows")
    to_site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="incoming_flows")
    to_country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    source = models.CharField(_("source"), max_length=64, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="flow_has_exactly_one_destination",
                condition=(
                    Q(to_asset__isnull=False, to_site__isnull=True, to_country="")
                    | Q(to_asset__isnull=True, to_site__isnull=False, to_country="")
                    | (Q(to_asset__isnull=True, to_site__isnull=True) & ~Q(to_country=""))
                ),
                violation_error_message=_("A flow goes to exactly one of: an asset, a site, a country."),
            ),
            models.UniqueConstraint(
                F("asset"),
                F("kind"),
                Coalesce(F("to_asset"), 0),
                Coalesce(F("to_site"), 0),
                F("to_country"),
                name="flow_unique_per_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset.ref} → {self.destination_label} ({self.kind})"

    @property
    def destination_label(self) -> str:
        """The destination as written in flows.csv: the asset ref, site code or country code."""
        if self.to_asset_id:
            return self.to_asset.ref  # type: ignore[union-attr]
        if self.to_site_id:
            return self.to_site.code  # type: ignore[union-attr]
        return self.to_country


class InventorySync(models.Model):
    """One import or full sync that changed (or confirmed) the inventory: when it took effect, from which
    source, and its counts. The history's intervals start and end at these times (docs/inventory-sync.md)."""

    class Mode(models.TextChoices):
        IMPORT = "import", _("import (additive)")
        SYNC = "sync", _("full sync")
        # The inventory as found when art28 began keeping history (the migration that added it).
        BASELINE = "baseline", _("history began")
        # Placements and flows ended because a customer's data was deleted at the end of its contract
        # (GDPR Art. 28(3)(g); art28.duties): not an import, but a change of the inventory all the same.
        DELETION = "deletion", _("end-of-contract deletion")

    at = models.DateTimeField(_("took effect at"), db_index=True)
    source = models.CharField(_("source"), max_length=64)
    format = models.CharField(_("format"), max_length=20)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    sha256 = models.CharField(_("SHA-256 of the input"), max_length=64)
    # {entity: {"created", "updated", "unchanged", "ended"}}; sites and customers: "absent" instead of ended.
    counts = models.JSONField(_("counts"), default=dict)
    actor_label = models.CharField(_("by"), max_length=200)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.mode} {self.source} {self.at:%Y-%m-%d %H:%M}"


class Period(models.Model):
    """The half-open interval [valid_from, valid_to) during which a row held; valid_to None = it still does."""

    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class AssetPeriod(Period):
    """Where an asset was (its own site and its parent) and what it was, over an interval."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(max_length=20, choices=AssetKind.choices)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, null=True, related_name="+")
    parent = models.ForeignKey(Asset, on_delete=models.CASCADE, null=True, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["asset", "valid_from"], name="assetperiod_asset_idx"),
            models.Index(fields=["valid_from", "valid_to"], name="assetperiod_interval_idx"),
        ]

    def __str__(self) -> str:
        return f"asset {self.asset_id} [{self.valid_from:%Y-%m-%d %H:%M}, {self.valid_to or '…'})"


class PlacementPeriod(Period):
    """A placement as it was over an interval. ``placement_id`` is the current row's id (gone once ended)."""

    placement_id = models.BigIntegerField(db_index=True)
    customer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    data_categories = models.CharField(max_length=500, blank=True)
    subject_categories = models.CharField(max_length=500, blank=True)
    subjects = models.PositiveBigIntegerField(default=0)
    records = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["customer", "valid_from"], name="placementperiod_customer_idx"),
            models.Index(fields=["asset", "valid_from"], name="placementperiod_asset_idx"),
        ]

    def __str__(self) -> str:
        return f"placement {self.placement_id} [{self.valid_from:%Y-%m-%d %H:%M}, {self.valid_to or '…'})"


class FlowPeriod(Period):
    """A flow over the interval it existed. ``flow_id`` is the current row's id (gone once ended)."""

    flow_id = models.BigIntegerField(db_index=True)
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=FlowKind.choices)
    to_asset = models.ForeignKey(Asset, on_delete=models.CASCADE, null=True, related_name="+")
    to_site = models.ForeignKey(Site, on_delete=models.CASCADE, null=True, related_name="+")
    to_country = models.CharField(max_length=2, blank=True)

    def __str__(self) -> str:
        return f"flow {self.flow_id} [{self.valid_from:%Y-%m-%d %H:%M}, {self.valid_to or '…'})"


class SitePeriod(Period):
    """A site's country over an interval (the residency rule compares it with the allowed countries)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="periods")
    country = models.CharField(max_length=2, blank=True)

    def __str__(self) -> str:
        return (
            f"site {self.site_id} in {self.country or '?'} [{self.valid_from:%Y-%m-%d %H:%M}, {self.valid_to or '…'})"
        )


class PlacementBar(models.Model):
    """A customer whose data was deleted at the end of its contract (GDPR Art. 28(3)(g); nFADP Art. 9 with the
    DPA): an import that would place its data again is refused, naming the reason. Written by the
    end-of-contract duty (art28.duties) when it certifies the deletion; lifted only by a new contract."""

    customer = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="placement_bar")
    since = models.DateTimeField(_("since"))
    # What the refusal says: the end-of-contract case and its certificate.
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("placement bar")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.reason}"

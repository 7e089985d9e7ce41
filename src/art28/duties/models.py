"""The processor's duties under GDPR Art. 28(3) besides breaches and sub-processors (docs/duties.md).

End of contract (Art. 28(3)(g); nFADP Art. 9 with the DPA): the customer chooses return or deletion; every
placement of its data and every copy the flows carry is listed with the day it will be gone; operations
mark each deleted (the inventory's placements and flows end, their history kept); when nothing is left
but backups expiring by rotation, a signed deletion certificate is issued.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from art28.core.models import Organisation, User
from art28.inventory.models import Asset, FlowKind, Service


class BackupRetention(models.Model):
    """How long a backup store keeps what it holds: a copy there is gone when its rotation expires
    (the deletion's first day + ``days``). Per asset (the store), else per service, else
    ``ART28_BACKUP_RETENTION_DAYS``."""

    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    service = models.OneToOneField(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    days = models.PositiveIntegerField(_("days kept"))

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="backup_retention_asset_or_service",
                condition=Q(asset__isnull=False, service__isnull=True) | Q(asset__isnull=True, service__isnull=False),
                violation_error_message=_("A retention applies to a backup asset or to a service, not both."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.asset or self.service}: {self.days} days"


class EndOfContract(models.Model):
    """A customer's contract (or one of its services) ending, and what happens to its data."""

    class Choice(models.TextChoices):
        DELETE = "delete", _("delete the data")
        RETURN = "return", _("return the data, then delete it")

    class Status(models.TextChoices):
        RETURNING = "returning", _("returning the data")
        DELETING = "deleting", _("deleting")
        COMPLETE = "complete", _("deletion certified")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ends_of_contract")
    # Empty: the whole contract; else only the data on these services' assets (a cancelled service).
    services = models.ManyToManyField(Service, blank=True, related_name="+")
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    contract_ends_on = models.DateField(_("contract ends on"))
    # Return: the day the export is due; deletion begins once it is handed over.
    return_by = models.DateField(_("return due by"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_note = models.CharField(_("what was handed over"), max_length=500, blank=True)
    # The first day of deletion: the contract's end (delete) or the return (return). Backups expire from it.
    deletion_from = models.DateField(_("deletion from"))
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    requested_by_label = models.CharField(_("requested by"), max_length=200)
    # How the request reached the provider: the portal, or a letter or e-mail entered by staff.
    received_via = models.CharField(_("received via"), max_length=100)
    completed_at = models.DateTimeField(_("certified at"), null=True, blank=True)
    certificate = models.TextField(_("deletion certificate"), blank=True)  # the signed JSON, exactly as issued

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="end_of_contract_return_has_due_day",
                condition=Q(choice="delete") | Q(return_by__isnull=False),
                violation_error_message=_("A return needs the day it is due."),
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("duties:case", kwargs={"reference": self.reference})


class DeletionItem(models.Model):
    """One place the customer's data is: a placement, or a copy a flow carries (a backup, a replica …)."""

    class Kind(models.TextChoices):
        PLACEMENT = "placement", _("stored")
        COPY = "copy", _("copy")

    class Method(models.TextChoices):
        DELETE = "delete", _("deleted by operations")
        EXPIRE = "expire", _("expires with the backup rotation")

    case = models.ForeignKey(EndOfContract, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The asset holding the data: the placement's, or the one the copy lands on (None: a copy at a site or
    # in a country, no asset known). The ids of the inventory rows it ends (kept after they are gone).
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    where = models.CharField(_("where"), max_length=200)  # asset ref, site code or country, as in flows.csv
    site_label = models.CharField(_("site"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    # For a copy: the flow's kind and the customer's asset whose data it carries.
    flow_kind = models.CharField(_("flow"), max_length=20, choices=FlowKind.choices, blank=True)
    origin = models.CharField(_("copy of"), max_length=200, blank=True)
    placement_id = models.BigIntegerField(null=True, blank=True)
    flow_ids = models.JSONField(default=list, blank=True)
    data_categories = models.CharField(_("data categories"), max_length=500, blank=True)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    gone_on = models.DateField(_("gone on"))  # planned: the deletion's first day, or when the rotation expires
    deleted_on = models.DateField(_("deleted on"), null=True, blank=True)
    deleted_by_label = models.CharField(_("deleted by"), max_length=200, blank=True)
    # Kept because a law requires it (Art. 28(3)(g) "unless Union or Member State law requires storage").
    retained_ground = models.CharField(_("legal ground for keeping it"), max_length=300, blank=True)
    retained_until = models.DateField(_("kept until"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "where", "origin", "id"]
        constraints = [
            models.CheckConstraint(
                name="deletion_item_retained_has_ground",
                condition=Q(retained_until__isnull=True) | ~Q(retained_ground=""),
                violation_error_message=_("Data kept after the end of a contract needs its legal ground."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind} {self.where}"

    @property
    def done(self) -> bool:
        """Nothing more to do for the certificate: deleted, kept on a legal ground, or expiring by rotation."""
        return self.deleted_on is not None or bool(self.retained_ground) or self.method == self.Method.EXPIRE

    @property
    def state(self) -> str:
        if self.deleted_on is not None:
            return "deleted"
        if self.retained_ground:
            return "retained"
        if self.method == self.Method.EXPIRE:
            return "expiring"
        return "pending"


class ControllerAudit(models.Model):
    """An audit or inspection the controller asks for (GDPR Art. 28(3)(h); nFADP Art. 9(2)): the processor
    "allows for and contributes to audits, including inspections, conducted by the controller or another
    auditor mandated by the controller". Staff agree dates, or offer the evidence pack and certificates
    where the DPA allows; the report's remediation items are tracked to closure."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        EVIDENCE_OFFERED = "offered", _("evidence offered instead")
        AGREED = "agreed", _("dates agreed")
        REMEDIATION = "remediation", _("remediation under way")
        CLOSED = "closed", _("closed")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="controller_audits")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    scope = models.TextField(_("scope"))
    proposed_from = models.DateField(_("proposed from"))
    proposed_to = models.DateField(_("proposed to"))
    auditor = models.CharField(_("auditor"), max_length=200)
    # Art. 28(3)(b) binds the processor's people to confidentiality; an outside auditor is bound by an
    # undertaking the customer vouches for (its reference: a signed NDA, a professional duty).
    confidentiality = models.CharField(_("confidentiality undertaking"), max_length=300)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by_label = models.CharField(_("requested by"), max_length=200)
    answer_due_on = models.DateField(_("answer due by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    agreed_from = models.DateField(_("agreed from"), null=True, blank=True)
    agreed_to = models.DateField(_("agreed to"), null=True, blank=True)
    staff_note = models.TextField(_("provider's answer"), blank=True)
    # The customer's answer to an offer of evidence instead: accepted, or the audit is maintained.
    offer_accepted = models.BooleanField(_("offer accepted"), null=True, blank=True)
    customer_note = models.TextField(_("customer's answer"), blank=True)
    report_received_on = models.DateField(_("report received on"), null=True, blank=True)
    report_summary = models.TextField(_("report summary"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="controller_audit_dates_in_order",
                condition=Q(proposed_to__gte=models.F("proposed_from")),
                violation_error_message=_("The audit ends on or after the day it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("duties:audit", kwargs={"reference": self.reference})


class RemediationItem(models.Model):
    """What an audit report asks the provider to fix, with its day, tracked to closure."""

    audit = models.ForeignKey(ControllerAudit, on_delete=models.CASCADE, related_name="remediations")
    description = models.CharField(_("what to fix"), max_length=500)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_note = models.CharField(_("how it was fixed"), max_length=500, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.audit_id}: {self.description[:60]}"


class Instruction(models.Model):
    """A documented instruction of the controller (GDPR Art. 28(3)(a); Art. 29; nFADP Art. 9(1)): the processor
    processes only on it. Staff may flag one as infringing the law (Art. 28(3) second subparagraph: "the
    processor shall immediately inform the controller"); it is then held until the customer answers."""

    class Source(models.TextChoices):
        DPA = "dpa", _("the DPA")
        PORTAL = "portal", _("the portal")
        MAIL = "mail", _("a letter or e-mail")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("in force")
        HELD = "held", _("held: flagged as infringing the law")
        WITHDRAWN = "withdrawn", _("withdrawn by the customer")
        REFUSED = "refused", _("refused: it would infringe the law")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="instructions")
    source = models.CharField(_("received through"), max_length=10, choices=Source.choices)
    given_on = models.DateField(_("given on"))
    given_by = models.CharField(_("given by"), max_length=200)  # the person at the customer
    recorded_by_label = models.CharField(_("recorded by"), max_length=200)
    text = models.TextField(_("instruction"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    flag_reason = models.TextField(_("why it would infringe the law"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("customer's answer"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("duties:instruction", kwargs={"reference": self.reference})


class LegalRequirement(models.Model):
    """A law that requires processing without (or against) the instruction: a court order, an authority's
    request (GDPR Art. 28(3)(a): the processor informs the controller before processing "unless that law
    prohibits such information on important grounds of public interest"; nFADP Art. 9 with the DPA)."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="legal_requirements")
    received_on = models.DateField(_("received on"))
    authority = models.CharField(_("authority"), max_length=200)
    authority_reference = models.CharField(_("its reference"), max_length=200, blank=True)
    description = models.TextField(_("what it requires"))
    recorded_by_label = models.CharField(_("recorded by"), max_length=200)
    informed_at = models.DateTimeField(_("customer informed at"), null=True, blank=True)
    # When the customer may not be told: the provision that forbids it.
    not_informed_ground = models.CharField(_("ground for not informing"), max_length=300, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="legal_requirement_informed_or_ground",
                condition=Q(informed_at__isnull=False, not_informed_ground="")
                | Q(informed_at__isnull=True) & ~Q(not_informed_ground=""),
                violation_error_message=_("Either the customer is informed, or the ground for not informing it."),
            )
        ]

    def __str__(self) -> str:
        return self.reference


class DpiaPack(models.Model):
    """One version of a customer's DPIA support pack for one service (GDPR Art. 28(3)(f) with Arts. 35-36;
    nFADP Arts. 22-23): generated from the other modules, never typed (duties.dpia). A new version is kept
    only when the content differs from the latest one's (``sha256`` of the canonical JSON without its
    version, moment and digest: docs/dpia.md), so a version number says "the facts changed"."""

    customer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="dpia_packs")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language"), max_length=2)
    version = models.PositiveIntegerField(_("version"))
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by_label = models.CharField(_("generated for"), max_length=254)
    document = models.TextField(_("the pack (JSON)"))  # exactly as downloaded

    class Meta:
        ordering = ["-generated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "service", "version"],
                name="dpia_pack_version_once_per_customer_and_service",
                violation_error_message=_("This version of the pack already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}/{self.service_id} v{self.version}"


class DpiaPackDownload(models.Model):
    """Who downloaded which version of a DPIA pack, when, and in which format."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        JSON = "json", "JSON"

    pack = models.ForeignKey(DpiaPack, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    user_label = models.CharField(_("downloaded by"), max_length=254)  # kept when the account is gone
    at = models.DateTimeField(_("downloaded at"))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.pack} {self.format} {self.user_label}"

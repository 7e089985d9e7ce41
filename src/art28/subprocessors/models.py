"""Sub-processors (S4): the register, each customer's authorisation, announced changes and objections.

GDPR Art. 28(2): a processor engages another processor only with the controller's specific or general
written authorisation; under a general one it informs the controller of intended additions or
replacements, giving the controller the opportunity to object. Art. 28(4): the same obligations flow
down the chain. nFADP Art. 9(3) and DSV Art. 7: the same prior authorisation in Swiss law.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from art28.core.adequacy import Certifications, Ground, Law, grounds_for
from art28.core.models import Organisation, User
from art28.core.translated import translations_field
from art28.inventory.models import Service, Site


class SubProcessor(models.Model):
    """A company the provider engages to process customer personal data (or its own sub-processor)."""

    slug = models.SlugField(max_length=80, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=200)
    address = models.TextField(_("address"))
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    # Private: never on the public trust center or its feeds.
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    purpose = models.TextField(_("purpose"))
    purpose_i18n = translations_field(_("purpose: translations"))
    services = models.ManyToManyField(Service, related_name="subprocessors", blank=True)
    # Sorted, ';'-separated, like Placement.data_categories and Organisation.allowed_countries.
    data_categories = models.CharField(_("data categories"), max_length=500, blank=True)
    countries = models.CharField(_("countries of processing"), max_length=300, help_text="ISO 3166-1 alpha-2, ';'")
    # An appropriate safeguard (GDPR Art. 46, nFADP Art. 16(2)), e.g. SCC with the Swiss addendum; needed
    # only where no adequacy finding covers a country (GDPR Art. 45, DSV Annex 1): art28.core.adequacy.
    transfer_safeguard = models.TextField(
        _("transfer safeguard"),
        blank=True,
        help_text=_("GDPR Art. 46 / nFADP Art. 16(2), e.g. SCC (EU 2021/914) with the Swiss addendum"),
    )
    transfer_safeguard_i18n = translations_field(_("transfer safeguard: translations"))
    # Data Privacy Framework certifications of a US recipient, with the day each started: the US is
    # adequate only for certified organisations (EU-US: Commission Implementing Decision (EU) 2023/1795;
    # Swiss-US: DSV Annex 1 since 15 September 2024).
    dpf_eu_us_since = models.DateField(_("EU-US Data Privacy Framework: certified since"), null=True, blank=True)
    dpf_swiss_us_since = models.DateField(_("Swiss-US Data Privacy Framework: certified since"), null=True, blank=True)
    # The chain (Art. 28(4)): the sub-processor that engages this one; empty = engaged by the provider.
    engaged_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_processors"
    )
    # Colocation companies operating the provider's sites are sub-processors too.
    sites = models.ManyToManyField(Site, related_name="operators", blank=True)
    # In use from / until (set when a change becomes effective); the register at a past date reads these.
    in_use_from = models.DateField(null=True, blank=True)
    in_use_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["legal_name"]
        constraints = [
            models.CheckConstraint(
                name="subprocessor_not_engaged_by_itself",
                condition=~Q(engaged_by=models.F("pk")),
                violation_error_message=_("A sub-processor cannot engage itself."),
            )
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def country_list(self) -> list[str]:
        return self.countries.split(";") if self.countries else []

    @property
    def certifications(self) -> Certifications:
        return Certifications(eu_us_dpf_since=self.dpf_eu_us_since, swiss_us_dpf_since=self.dpf_swiss_us_since)

    def grounds(self, on: dt.date) -> list[tuple[str, dict[Law, Ground]]]:
        """Each country it processes in, with the ground under each law (art28.core.adequacy)."""
        safeguard, certifications = self.transfer_safeguard, self.certifications
        return [
            (country, grounds_for(country, on=on, safeguard=safeguard, certifications=certifications))
            for country in self.country_list
        ]

    def transfer_grounds(self, on: dt.date) -> list[dict[str, Any]]:
        """The same as plain data (JSON, webhooks, the API): ``{"country", "gdpr": {ground, basis}, "nfadp": …}``."""
        return [
            {"country": country, **{str(law): ground.as_dict() for law, ground in grounds.items()}}
            for country, grounds in self.grounds(on)
        ]


class CountriesPeriod(models.Model):
    """A sub-processor's countries of processing over the half-open interval [valid_from, valid_to), so that
    a residency answer "as of" a past moment judges the countries it processed in then (issue 12; read by
    art28.inventory.as_of through the snapshot this app registers in apps.py). A moment no period covers
    (before the sub-processor was entered in the register) reads its countries as they are now."""

    subprocessor = models.ForeignKey(SubProcessor, on_delete=models.CASCADE, related_name="+")
    countries = models.CharField(max_length=300)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["subprocessor", "valid_from"], name="spcountries_sp_idx")]

    def __str__(self) -> str:
        return f"{self.subprocessor_id}: {self.countries} from {self.valid_from:%Y-%m-%d %H:%M}"


class FlowDownClause(models.TextChoices):
    """The duties GDPR Art. 28(3)(a)-(h) puts in the provider's contract with its customers: Art. 28(4)
    asks for "the same data protection obligations" in its contract with each sub-processor. In the order
    of the article; the letter is part of the label."""

    INSTRUCTIONS = "instructions", _("(a) processing only on documented instructions")
    CONFIDENTIALITY = "confidentiality", _("(b) confidentiality of the persons authorised")
    SECURITY = "security", _("(c) the security measures of Art. 32")
    SUBPROCESSING = "sub-processing", _("(d) the conditions for engaging a further sub-processor")
    DATA_SUBJECT_RIGHTS = "data-subject-rights", _("(e) assistance with the data subjects' rights")
    ASSISTANCE = "assistance", _("(f) assistance with Arts. 32 to 36 (security, breaches, impact assessments)")
    DELETION_RETURN = "deletion-return", _("(g) deletion or return of the data at the end")
    AUDITS = "audits", _("(h) information and audits")


class FlowDownAgreement(models.Model):
    """The contract that binds a sub-processor to the same data protection obligations as the provider's
    own (GDPR Art. 28(4); nFADP Art. 9(3)): the signed document as uploaded, its SHA-256 computed by art28
    from the bytes, the day it was signed, and which of the Art. 28(3)(a)-(h) duties it covers.

    Never edited: a later agreement supersedes an earlier one. The agreement *in effect* on a day is the
    latest signed on or before it whose ``valid_until`` (the last day it binds, if any) has not passed; it is
    *in place* only when it covers every duty (art28.subprocessors.flowdown)."""

    subprocessor = models.ForeignKey(SubProcessor, on_delete=models.PROTECT, related_name="flowdown_agreements")
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # FlowDownClause values, ';'-separated in the order of Art. 28(3).
    clauses = models.CharField(_("duties covered"), max_length=300)
    document = models.BinaryField(_("document"))
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Who recorded it as the audit trail names them (an e-mail address, or ``cli:<login>``).
    recorded_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="flowdown_valid_until_after_signature",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("signed_on")),
                violation_error_message=_("An agreement cannot end before the day it was signed."),
            ),
            models.CheckConstraint(
                name="flowdown_names_a_duty",
                condition=~Q(clauses=""),
                violation_error_message=_("Say which duties the agreement covers."),
            ),
        ]
        indexes = [models.Index(fields=["subprocessor", "-signed_on"], name="flowdown_sp_signed_idx")]

    def __str__(self) -> str:
        return f"{self.subprocessor_id}: signed {self.signed_on}"

    @property
    def clause_list(self) -> list[str]:
        return [code for code in self.clauses.split(";") if code]

    @property
    def missing_clauses(self) -> list[str]:
        """The Art. 28(3) duties it does not cover, in the article's order."""
        covered = set(self.clause_list)
        return [code for code in FlowDownClause.values if code not in covered]

    @property
    def complete(self) -> bool:
        return not self.missing_clauses

    @property
    def clause_labels(self) -> list[str]:
        return [str(FlowDownClause(code).label) for code in self.clause_list if code in FlowDownClause.values]

    @property
    def missing_labels(self) -> list[str]:
        return [str(FlowDownClause(code).label) for code in self.missing_clauses]

    def in_effect_on(self, day: dt.date) -> bool:
        return self.signed_on <= day and (self.valid_until is None or day <= self.valid_until)


class Authorisation(models.TextChoices):
    SPECIFIC = "specific", _("specific: each sub-processor needs the customer's consent")
    GENERAL = "general", _("general: changes are announced and the customer may object")


# No recorded authorisation: the customer has authorised no sub-processor (GDPR Art. 28(2), nFADP
# Art. 9(3), DSV Art. 7 ask for a PRIOR WRITTEN one; there is no default). Never stored in a Contract;
# a change announced to such a customer keeps it in the recipient's snapshot.
NOT_AUTHORISED = "none"


class RecipientAuthorisation(models.TextChoices):
    """A customer's authorisation when a change was announced to it (the recipient's snapshot)."""

    SPECIFIC = Authorisation.SPECIFIC.value, Authorisation.SPECIFIC.label
    GENERAL = Authorisation.GENERAL.value, Authorisation.GENERAL.label
    NONE = NOT_AUTHORISED, _("none recorded: not authorised")


class ContractSource(models.TextChoices):
    MANUAL = "manual", _("recorded by staff (e.g. a signed paper DPA)")
    DPA_ACCEPTANCE = "dpa-acceptance", _("the customer accepted a DPA version that grants it")


class Contract(models.Model):
    """A customer's recorded written authorisation of sub-processors (GDPR Art. 28(2), nFADP Art. 9(3),
    DSV Art. 7): specific or general, with the notice period for changes. Without a row the customer has
    authorised nothing.

    ``recorded_on`` is the day art28 recorded it; ``signed_on`` the date of the written agreement. One
    recorded from the acceptance of a DPA version links that ``acceptance`` and the SHA-256 of the text
    accepted (the countersigned PDF, or the version's Markdown for a plain acceptance).
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="contract")
    authorisation = models.CharField(max_length=10, choices=Authorisation.choices)
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"))
    signed_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=ContractSource.choices, default=ContractSource.MANUAL)
    acceptance = models.ForeignKey(
        "legal.Acceptance", on_delete=models.PROTECT, null=True, blank=True, related_name="authorisations"
    )
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    recorded_on = models.DateField(_("recorded on"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="contract_notice_days_at_most_a_year",
                condition=Q(notice_days__lte=365),
                violation_error_message=_("A notice period is at most 365 days."),
            ),
            models.CheckConstraint(
                name="contract_dpa_acceptance_has_its_evidence",
                condition=Q(source="manual") | (Q(acceptance__isnull=False) & ~Q(evidence_sha256="")),
                violation_error_message=_("An authorisation from a DPA acceptance names it and its SHA-256."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.authorisation}, {self.notice_days} days"


class ChangeKind(models.TextChoices):
    ADDITION = "addition", _("addition")
    REPLACEMENT = "replacement", _("replacement")
    REMOVAL = "removal", _("removal")


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ANNOUNCED = "announced", _("announced")
    EFFECTIVE = "effective", _("effective")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Change(models.Model):
    """An intended addition, replacement or removal of a sub-processor, announced ahead of time."""

    kind = models.CharField(max_length=12, choices=ChangeKind.choices)
    # Addition: the new one; removal: the one removed; replacement: the new one (``replaces`` the old).
    subprocessor = models.ForeignKey(SubProcessor, on_delete=models.PROTECT, related_name="changes")
    replaces = models.ForeignKey(
        SubProcessor, on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by_changes"
    )
    services = models.ManyToManyField(Service, related_name="subprocessor_changes")
    summary = models.TextField(_("what changes and why"))
    status = models.CharField(max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    # No earlier than announcement + the longest notice period among the customers concerned.
    effective_on = models.DateField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="change_replacement_names_what_it_replaces",
                condition=Q(kind="replacement", replaces__isnull=False)
                | (~Q(kind="replacement") & Q(replaces__isnull=True)),
                violation_error_message=_("A replacement names the sub-processor it replaces; other changes do not."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.subprocessor_id} ({self.status})"


class ConsentStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("not needed (general authorisation)")
    PENDING = "pending", _("waiting for the customer's consent")
    GIVEN = "given", _("consent given")
    REFUSED = "refused", _("consent refused")


class Resolution(models.TextChoices):
    NONE = "", _("open")
    WITHDRAWN = "withdrawn", _("change withdrawn")
    OLD_ARRANGEMENT = "old_arrangement", _("customer kept on the old arrangement")
    TERMINATION = "termination", _("customer chose to terminate")
    OBJECTION_WITHDRAWN = "objection_withdrawn", _("customer withdrew the objection")


class ChangeRecipient(models.Model):
    """One customer concerned by a change: what they were told, their consent or objection, and the outcome.

    The change applies to this customer from ``effective_on`` only if: under general authorisation, no
    objection stands (or it was resolved by the customer withdrawing it); under specific authorisation,
    the customer consented. Otherwise it does not apply until staff resolve it. A customer with no
    recorded authorisation is informed, but an addition or replacement never applies to it.
    """

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="subprocessor_changes")
    # Snapshots of the contract at announcement; ``none`` / no notice: no recorded authorisation.
    authorisation = models.CharField(max_length=10, choices=RecipientAuthorisation.choices)
    notice_days = models.PositiveSmallIntegerField(null=True, blank=True)
    consent = models.CharField(max_length=12, choices=ConsentStatus.choices, default=ConsentStatus.NOT_NEEDED)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    objected_at = models.DateTimeField(null=True, blank=True)
    objected_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    objection_reason = models.TextField(blank=True)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, default=Resolution.NONE, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    resolution_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change", "organisation"], name="change_recipient_once_per_customer")
        ]

    def __str__(self) -> str:
        return f"{self.change_id} → {self.organisation_id}"

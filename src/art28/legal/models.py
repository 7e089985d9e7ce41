"""Legal documents (S8, S12, S13): each document in numbered versions written in Markdown, published with
an effective date; customers' acceptances of a version; art28's own cookies and the consents given.

GDPR Art. 28(3): the processing by a processor is governed by a contract (the DPA) that sets out the
subject-matter, duration, nature, purpose, data categories and the controller's obligations; Art. 28(9):
in writing, including in electronic form. GDPR Art. 7(1): the controller must be able to demonstrate
consent, hence the consent records. ePrivacy Art. 5(3) / Swiss TCA Art. 45c: non-essential cookies need
consent (CH: information and the right to refuse).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from art28.core.models import Language, Organisation, User
from art28.core.translated import translations_field


class DocumentKind(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", _("confidentiality policy")
    DATA_PROTECTION = "data-protection", _("data protection policy (GDPR / nFADP)")
    COOKIES = "cookies", _("cookie policy")
    TERMS = "terms", _("terms and conditions")
    DPA = "dpa", _("data processing agreement (DPA)")
    TOMS = "toms", _("technical and organisational measures (annex to the DPA)")


class Document(models.Model):
    """A legal document at a stable public URL (``/trust/policies/<slug>/``); its text lives in versions."""

    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_i18n = translations_field(_("title in other languages"))
    # Terms and the DPA are accepted by each customer (Art. 28(9): in writing, electronic form allowed);
    # a new version of such a document is announced to the customers who accepted an earlier one.
    requires_acceptance = models.BooleanField(_("customers accept it"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                name="legal_document_one_per_kind",
                violation_error_message=_("There is already a document of this kind."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class DocumentVersion(models.Model):
    """One version of a document: Markdown (rendered safely, never raw HTML), numbered 1, 2, …

    A published version never changes (it is what customers accepted), its translations included; the
    version in force on a day is the published one with the latest ``effective_on`` not after that day.
    ``body`` is the English text (required); ``body_i18n`` the French, German and Italian ones
    (``core.translated``), each a whole text a customer may read and accept.
    """

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField(_("text (Markdown)"))
    body_i18n = translations_field(_("text in other languages"))
    change_summary = models.TextField(_("what changed"), blank=True)
    change_summary_i18n = translations_field(_("what changed, in other languages"))
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="legal_version_number_once"),
            models.CheckConstraint(
                name="legal_version_published_has_dates",
                condition=Q(status=VersionStatus.DRAFT) | Q(effective_on__isnull=False, published_at__isnull=False),
                violation_error_message=_("A published version has an effective date and a publication time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.title} v{self.number}"


class AcceptanceMethod(models.TextChoices):
    CLICK = "click", _("accepted in the portal")
    COUNTERSIGN = "countersign", _("countersigned electronically in the portal")


class Acceptance(models.Model):
    """Who accepted which version for which customer, when, and how (the proof of Art. 28(9)).

    For the DPA, ``evidence_sha256`` is the SHA-256 of the customer's generated DPA (PDF) that was
    countersigned, so the exact document can be shown again and checked.

    ``language`` is the language of the text the customer was shown and accepted (English when the
    version had no text in the page's language), ``text_sha256`` the SHA-256 of that exact Markdown text
    (UTF-8), so the proof names the text accepted, not only the version.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="acceptances")
    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    accepted_by_label = models.CharField(max_length=254, blank=True, help_text="the e-mail, kept if the user goes")
    accepted_at = models.DateTimeField()
    method = models.CharField(max_length=12, choices=AcceptanceMethod.choices, default=AcceptanceMethod.CLICK)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    language = models.CharField(
        _("language of the text accepted"), max_length=2, choices=Language.choices, default=Language.EN
    )
    text_sha256 = models.CharField(_("SHA-256 of the text accepted"), max_length=64, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"],
                name="legal_acceptance_once_per_version",
                violation_error_message=_("This version was already accepted for this organisation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} accepted {self.version} on {self.accepted_at:%Y-%m-%d}"


class CookieCategory(models.TextChoices):
    ESSENTIAL = "essential", _("strictly necessary")
    PREFERENCES = "preferences", _("preferences")
    ANALYTICS = "analytics", _("statistics")
    MARKETING = "marketing", _("marketing")


class Cookie(models.Model):
    """One of art28's own cookies, published in the cookie policy; its purpose in every language (the
    visitor reads it in theirs, art28.core.translated)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    purpose = models.TextField(_("purpose"))
    purpose_i18n = translations_field(_("purpose: translations"))
    duration = models.CharField(_("duration"), max_length=100, help_text=_("e.g. session, 1 year"))
    category = models.CharField(_("category"), max_length=12, choices=CookieCategory.choices)
    set_by = models.CharField(_("set by"), max_length=100, blank=True, help_text=_("e.g. art28 (first party)"))

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class ConsentRecord(models.Model):
    """A visitor's cookie choice: the proof of consent (GDPR Art. 7(1)) with the policy version it was
    given under. ``consent_id`` is also stored in the visitor's consent cookie, so a choice can be found."""

    consent_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    given_at = models.DateTimeField()
    policy_version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, null=True, related_name="+")
    # {"preferences": true, "analytics": false, …}; essential cookies need no consent.
    choices = models.JSONField(default=dict)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"consent {self.consent_id} at {self.given_at:%Y-%m-%d %H:%M}"

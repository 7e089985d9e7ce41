"""What the provider shows of its assurance on the trust center: its face (logo, tagline) and its
certifications (ISO/IEC 27001, ISO/IEC 27701, SOC 2 …), each with its validity and certificate.

Files are stored in the database (a BinaryField with its content type, size and SHA-256), not in MEDIA:
several web machines then need no shared volume, and a backup of the database holds them. Blobs are
never loaded by the selectors that list rows (``defer``); only the views that serve them read them.

Later (DESIGN.md): intrusion-test campaigns, findings, isolation probes.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

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

"""Signed residency attestations: what a customer can show an auditor, verifiable offline (S1)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from art28.core.models import Organisation, User


class Attestation(models.Model):
    """A statement, signed with the provider's Ed25519 key, of where an organisation's data was.

    ``document`` is the exact JSON served for download (see core/signing.py for its format);
    it is stored, not regenerated, so the file a customer holds can always be matched.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="attestations")
    as_of = models.DateTimeField(_("as of"), help_text="The moment the statement speaks for.")
    issued_at = models.DateTimeField(_("issued at"), help_text="When it was signed (as_of or later).")
    issued_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    key_id = models.CharField(max_length=64)
    compliant = models.BooleanField()
    countries = models.CharField(max_length=300, help_text="';'-separated countries holding the data")
    document = models.TextField()

    class Meta:
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return f"attestation {self.public_id} for {self.organisation.ref}"

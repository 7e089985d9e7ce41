from django.contrib import admin

from art28.core.admin import ReadOnlyAdmin
from art28.residency.models import Attestation


@admin.register(Attestation)
class AttestationAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "organisation", "as_of", "compliant", "key_id")
    list_filter = ("compliant",)
    exclude = ("document",)

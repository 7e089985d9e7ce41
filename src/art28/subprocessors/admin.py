"""Sub-processors in Django's admin: read-only (changes go through the audited services)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from art28.core.admin import ReadOnlyAdmin
from art28.subprocessors.models import Change, ChangeRecipient, Contract, FlowDownAgreement, SubProcessor


@admin.register(SubProcessor)
class SubProcessorAdmin(ReadOnlyAdmin):
    list_display = ("slug", "legal_name", "countries", "engaged_by", "in_use_from", "in_use_until")
    search_fields = ("slug", "legal_name")


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "authorisation", "notice_days", "signed_on", "source", "recorded_on")
    list_filter = ("authorisation", "source")


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "subprocessor", "replaces", "status", "announced_at", "effective_on")
    list_filter = ("kind", "status")


@admin.register(ChangeRecipient)
class ChangeRecipientAdmin(ReadOnlyAdmin):
    list_display = ("change", "organisation", "authorisation", "consent", "objected_at", "resolution")
    list_filter = ("authorisation", "consent", "resolution")


@admin.register(FlowDownAgreement)
class FlowDownAgreementAdmin(ReadOnlyAdmin):
    list_display = ("subprocessor", "signed_on", "valid_until", "file_name", "sha256", "recorded_at")
    exclude = ("document",)  # the bytes: downloaded from the staff page

    def get_queryset(self, request: HttpRequest) -> QuerySet[FlowDownAgreement]:
        return super().get_queryset(request).defer("document")

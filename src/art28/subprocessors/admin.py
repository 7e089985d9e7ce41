"""Sub-processors in Django's admin: read-only (changes go through the audited services)."""

from django.contrib import admin

from art28.core.admin import ReadOnlyAdmin
from art28.subprocessors.models import Change, ChangeRecipient, Contract, SubProcessor


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

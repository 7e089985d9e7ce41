"""Django's admin, read-only: every change goes through a service so that it is in the audit trail."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from art28.core.models import ApiToken, AuditEntry, Organisation, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and search; no add, change or delete (those would bypass the audit trail)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("ref", "name", "country", "language", "allowed_countries")
    search_fields = ("ref", "name")


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("email", "role", "organisation", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("email", "name")
    exclude = ("password",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "hint", "created_at", "last_used_at", "revoked_at")
    exclude = ("digest",)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor_label", "action", "object_type", "object_repr")
    list_filter = ("action",)
    search_fields = ("object_repr", "actor_label", "object_id")

"""Breaches in Django's admin: read-only (changes go through the audited services), and no deletion:
incidents are kept at least two years after their last notice (DSV Art. 15(4); services.incident_delete)."""

from django.contrib import admin

from art28.breaches.models import AffectedCustomer, Incident, IncidentDecision, Notice, SeverityAssessment
from art28.core.admin import ReadOnlyAdmin


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("ref", "title", "phase", "decision", "aware_at", "declared_at")
    list_filter = ("phase", "decision")
    search_fields = ("ref", "title")


@admin.register(IncidentDecision)
class IncidentDecisionAdmin(ReadOnlyAdmin):
    list_display = ("incident", "decision", "decided_at", "decided_by_label", "customers")


@admin.register(AffectedCustomer)
class AffectedCustomerAdmin(ReadOnlyAdmin):
    list_display = ("incident", "organisation", "subjects", "records", "first_notice_at", "late")
    list_filter = ("late",)


@admin.register(SeverityAssessment)
class SeverityAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("incident", "score", "level", "assessed_at", "assessed_by_label")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("incident", "sequence", "kind", "sent_at", "recipients")

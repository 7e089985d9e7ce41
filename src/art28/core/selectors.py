"""Reads on organisations and users."""

from django.db.models import QuerySet

from art28.core.models import ApiToken, AuditEntry, Organisation, User


def organisation_for_user(user: User) -> Organisation:
    """The one organisation a customer user may see; raises PermissionError for anyone else."""
    if not user.is_authenticated or not user.is_customer or user.organisation_id is None:
        raise PermissionError("only customer users have an organisation")
    return user.organisation  # type: ignore[return-value]


def audit_entries_for_organisation(organisation: Organisation) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(organisation_id=organisation.pk).order_by("-seq")


def api_tokens_for_user(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked ones too, for the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_for_user(user: User, token_id: int) -> ApiToken | None:
    return ApiToken.objects.filter(user=user, pk=token_id).select_related("user").first()

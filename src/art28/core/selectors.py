"""Reads on organisations, users and security.txt's expiry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from art28.core.models import SECURITY_TXT_WARN_BEFORE, ApiToken, AuditEntry, Organisation, SecurityTxt, User


def organisation_by_ref(ref: str) -> Organisation | None:
    """The customer with this reference, or None (staff pages, the API and commands name customers by ref)."""
    return Organisation.objects.filter(ref=ref).first()


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


@dataclass(frozen=True)
class SecurityTxtState:
    """Where security.txt stands (RFC 9116 §2.5.5):

    - ``unset``: nobody set an expiry yet; the file is not served;
    - ``valid``: more than 30 days to go;
    - ``expiring``: 30 days or less to go (staff are warned);
    - ``expired``: the moment has passed; the file is stale (served with its past Expires).
    """

    record: SecurityTxt | None
    status: str
    days_left: int | None

    @property
    def published(self) -> bool:
        return self.record is not None


def security_txt_state(now: dt.datetime | None = None) -> SecurityTxtState:
    record = SecurityTxt.objects.select_related("renewed_by").filter(pk=1).first()
    if record is None:
        return SecurityTxtState(None, "unset", None)
    now = now or timezone.now()
    days_left = (timezone.localdate(record.expires_at) - timezone.localdate(now)).days
    if now > record.expires_at:  # "after which the data ... is considered stale"
        status = "expired"
    elif now >= record.expires_at - SECURITY_TXT_WARN_BEFORE:
        status = "expiring"
    else:
        status = "valid"
    return SecurityTxtState(record, status, days_left)

"""``/staff/security-txt/``: when ``/.well-known/security.txt`` goes stale, and its renewal (RFC 9116 §2.5.5).

Every staff role reads; the DPO, security and administrators renew (core.roles.SECURITY_TXT_RENEWERS).
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from art28.core.auth import staff_required
from art28.core.models import User, one_year_after
from art28.core.roles import SECURITY_TXT_RENEWERS
from art28.core.selectors import security_txt_state
from art28.core.services import security_txt_renew
from art28.trust.feeds import security_contact, security_txt

# A renewal offers this far ahead by default; RFC 9116 §2.5.5 allows less than a year.
SUGGESTED_LIFETIME = dt.timedelta(days=180)


class RenewForm(forms.Form):
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("security.txt is stale after the end of this day (provider's time zone)."),
    )


def expiry_of(day: dt.date) -> dt.datetime:
    """The end of ``day`` in the provider's time zone: the file is good through the day named."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def latest_expiry_day(today: dt.date) -> dt.date:
    """The last day whose end is less than a year from now (RFC 9116 §2.5.5)."""
    return one_year_after(timezone.make_aware(dt.datetime.combine(today, dt.time()))).date() - dt.timedelta(days=1)


@staff_required
def security_txt_page(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    can_renew = user.role in SECURITY_TXT_RENEWERS
    today = timezone.localdate()
    form = RenewForm(initial={"expires_on": today + SUGGESTED_LIFETIME})
    if request.method == "POST":
        if not can_renew:
            raise PermissionDenied(_("Only the DPO, security or an administrator renews security.txt."))
        form = RenewForm(request.POST)
        if form.is_valid():
            try:
                security_txt_renew(actor=user, expires_at=expiry_of(form.cleaned_data["expires_on"]))
            except ValidationError as exc:
                for messages_ in exc.message_dict.values():
                    for message in messages_:
                        form.add_error("expires_on", message)
            else:
                messages.success(request, _("security.txt renewed; the trust center serves the new date now."))
                return redirect("staff:security_txt")
    latest_day = latest_expiry_day(today)
    form.fields["expires_on"].widget.attrs.update(min=today.isoformat(), max=latest_day.isoformat())
    state = security_txt_state()
    return render(
        request,
        "staff/security_txt.html",
        {
            "state": state,
            "form": form,
            "can_renew": can_renew,
            "latest_day": latest_day,
            "contact": security_contact(),
            "preview": security_txt(expires_at=state.record.expires_at) if state.record else "",
        },
        status=400 if form.errors else 200,
    )

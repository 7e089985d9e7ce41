"""The customer's choice of channels per topic (/portal/notifications/): administrators change it,
viewers read it. Breach notices are not on the page to choose: the law wants the controller told on
every channel we have (GDPR Art. 33(2), nFADP Art. 24(3)); only non-mandatory topics have a choice."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from art28.core.auth import customer_required, request_user
from art28.core.roles import Role
from art28.notify.selectors import channel_preferences_for, webhook_for_organisation
from art28.notify.subscriptions import PREFERENCE_TOPICS, channel_preference_save
from art28.portal.views import _organisation

TOPIC_LABELS = {"subprocessor.change": gettext_lazy("Sub-processor changes (announcements and withdrawals)")}


@customer_required
def notifications(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    user = request_user(request)
    can_change = user.role == Role.CUSTOMER_ADMIN
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Only your organisation's administrators can change the channels."))
        for topic in PREFERENCE_TOPICS:
            channel_preference_save(
                actor=user,
                organisation=organisation,
                topic=topic,
                email=request.POST.get(f"{topic}:email") == "on",
                webhook=request.POST.get(f"{topic}:webhook") == "on",
            )
        messages.success(request, _("Notification channels saved."))
        return redirect("portal:notifications")
    preferences = channel_preferences_for(organisation, PREFERENCE_TOPICS)
    rows = [(topic, TOPIC_LABELS.get(topic, topic), preferences[topic]) for topic in PREFERENCE_TOPICS]
    return render(
        request,
        "portal/notifications.html",
        {
            "organisation": organisation,
            "rows": rows,
            "can_change": can_change,
            "has_webhook": webhook_for_organisation(organisation) is not None,
        },
    )

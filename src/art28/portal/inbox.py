"""The customer's inbox (notices from the provider, receipt acknowledgements) and webhook settings.

Reads go through notify's selectors scoped to the user's own organisation (another organisation's
message id is a 404); writes go through notify's services, each with its audit entry.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from art28.core.auth import customer_required, request_user
from art28.core.roles import Role
from art28.notify.selectors import (
    inbox_for_organisation,
    inbox_message,
    message_deliveries,
    recent_webhook_deliveries,
    webhook_for_organisation,
)
from art28.notify.services import (
    message_acknowledge,
    message_mark_read,
    webhook_endpoint_delete,
    webhook_endpoint_save,
    webhook_secret_rotate,
    webhook_test_send,
)
from art28.portal.views import _organisation

MESSAGES_PER_PAGE = 50


@customer_required
def inbox(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    page = Paginator(inbox_for_organisation(organisation), MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/inbox.html", {"organisation": organisation, "page": page})


@customer_required
def inbox_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    organisation = _organisation(request)
    message = inbox_message(organisation, public_id)
    message_mark_read(message=message, actor=request_user(request))
    return render(
        request,
        "portal/inbox_message.html",
        {"organisation": organisation, "message": message, "deliveries": message_deliveries(message)},
    )


@customer_required
@require_POST
def inbox_acknowledge(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Any user of the organisation may acknowledge receipt: it states a fact (the notice reached
    us), it changes no setting. The first acknowledgement is the one kept."""
    message = inbox_message(_organisation(request), public_id)
    if message_acknowledge(message=message, actor=request_user(request), via="portal"):
        messages.success(request, _("Receipt acknowledged. The provider has been told."))
    return redirect("portal:inbox_message", public_id=message.public_id)


@customer_required
def webhook(request: HttpRequest) -> HttpResponse:
    """GET shows the endpoint; POST (administrators) saves the URL, rotates the secret, sends a test
    event or removes the endpoint. A new secret is in the response to that POST only, never stored
    in a session or shown again."""
    organisation = _organisation(request)
    user = request_user(request)
    endpoint = webhook_for_organisation(organisation)
    new_secret, url_error = None, ""
    url_value = endpoint.url if endpoint else ""
    if request.method == "POST":
        if user.role != Role.CUSTOMER_ADMIN:
            raise PermissionDenied(_("Only your organisation's administrators can change the webhook."))
        action = request.POST.get("action", "")
        if action == "save":
            url_value = request.POST.get("url", "").strip()
            try:
                endpoint, new_secret = webhook_endpoint_save(actor=user, organisation=organisation, url=url_value)
            except ValidationError as exc:
                url_error = " ".join(exc.message_dict.get("url", exc.messages))
            else:
                messages.success(request, _("Webhook endpoint saved."))
        elif action == "rotate" and endpoint is not None:
            new_secret = webhook_secret_rotate(actor=user, endpoint=endpoint)
            messages.success(request, _("New secret created. The previous one also signs for 24 hours."))
        elif action == "test" and endpoint is not None:
            webhook_test_send(actor=user, organisation=organisation)
            messages.success(request, _("Test event queued; its delivery appears below within seconds."))
        elif action == "delete" and endpoint is not None:
            webhook_endpoint_delete(actor=user, endpoint=endpoint)
            endpoint, url_value = None, ""
            messages.success(request, _("Webhook endpoint removed."))
        if not new_secret and not url_error:
            return redirect("portal:webhook")
    response = render(
        request,
        "portal/webhook.html",
        {
            "organisation": organisation,
            "endpoint": endpoint,
            "url_value": url_value,
            "url_error": url_error,
            "new_secret": new_secret,
            "can_change": user.role == Role.CUSTOMER_ADMIN,
            "deliveries": recent_webhook_deliveries(organisation),
        },
        status=400 if url_error else 200,
    )
    response["Cache-Control"] = "no-store"
    return response

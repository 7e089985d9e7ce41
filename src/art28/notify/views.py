"""The provider's outbox page (staff) and the acknowledgement link of the notices (anyone holding the mail)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from art28.core.access import url_roles
from art28.core.auth import role_required
from art28.core.listing import Column, csv_download, sort_state, wants_csv
from art28.notify.selectors import delivery_by_public_id, failing_deliveries, message_for_ack_token, outbox_counts
from art28.notify.services import ack_link_actor, delivery_retry_now, message_acknowledge
from art28.notify.visibility import outbox_rows, recipient_for

# Only columns every staff role may see: a sort by customer would hint at restricted rows' recipients.
FAILING_COLUMNS = (
    Column("channel", gettext_lazy("Channel"), ("channel",)),
    Column("attempts", gettext_lazy("Attempts"), ("attempts",)),
    Column("next_attempt", gettext_lazy("Next attempt"), ("status", "next_attempt_at")),
)


@role_required(*url_roles("outbox:index"))
def outbox(request: HttpRequest) -> HttpResponseBase:
    role = getattr(request.user, "role", None)
    sort = sort_state(request, FAILING_COLUMNS)
    if wants_csv(request):
        return csv_download(
            "failing-deliveries.csv",
            [_("Customer"), _("Message"), _("Topic"), _("Channel"), _("Attempts"), _("Last error"), _("Next attempt")],
            (
                [
                    recipient_for(role, row.delivery.message),
                    row.restricted or row.delivery.message.subject,
                    row.delivery.message.topic,
                    row.delivery.get_channel_display(),
                    row.delivery.attempts,
                    row.restricted or row.delivery.last_error,
                    _("given up") if row.delivery.status == "dead" else row.delivery.next_attempt_at or "",
                ]
                for row in outbox_rows(failing_deliveries(None, sort.ordering()).iterator(chunk_size=500), role)
            ),
        )
    counts = outbox_counts()
    oldest = counts.oldest_waiting
    return render(
        request,
        "notify/outbox.html",
        {
            "counts": counts,
            "oldest_recipient": recipient_for(role, oldest.message) if oldest else "",
            "failing": outbox_rows(failing_deliveries(ordering=sort.ordering()), role),
            "sort": sort.header(),
            "can_retry": role in url_roles("outbox:retry"),
        },
    )


@role_required(*url_roles("outbox:retry"))
@require_POST
def retry(request: HttpRequest, public_id: UUID) -> HttpResponse:
    delivery = delivery_by_public_id(public_id)
    try:
        delivery_retry_now(actor=request.user, delivery=delivery)  # type: ignore[arg-type]
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Delivery to %(org)s queued for another attempt now.")
            % {"org": recipient_for(getattr(request.user, "role", None), delivery.message)},
        )
    return redirect("outbox:index")


@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows the question: mail scanners and link previews fetch links without a person
    reading them, so only the POST of the button records the acknowledgement (GDPR Art. 33(2))."""
    message = message_for_ack_token(token)
    assert message.organisation is not None  # the selector returns organisation messages only
    if request.method == "POST":
        message_acknowledge(message=message, actor=ack_link_actor(message.organisation), via="link")
        return redirect(request.path)
    response = render(request, "notify/ack.html", {"message": message})
    # The token is the credential: keep it out of caches, search engines and Referer headers.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response

"""The e-mail channel: one message per delivery, over one reused mailer connection per batch.

The Message-ID is the delivery's external id, so a message re-sent after a crash carries the same
id as the first copy and a mail client or ticket system can tell it is the same notice.

Mail to a public subscriber carries an unsubscribe link in its text and the List-Unsubscribe headers
(RFC 2369) with one-click unsubscription (RFC 8058): a mail client POSTs
``List-Unsubscribe=One-Click`` to the https URL and the subscriber is removed at once.
"""

from __future__ import annotations

import contextlib
import functools
import smtplib
from typing import Any

from django.conf import settings
from django.core import mail, signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from art28.core.dpo import dpo_profile
from art28.notify import rendering
from art28.notify.models import Delivery, Message, Subscriber

ACK_SALT = "art28.notify.ack"
CONFIRM_SALT = "art28.notify.subscriber-confirm"
# A confirmation link older than this is refused; subscribing again sends a fresh one.
CONFIRM_LINK_MAX_AGE = 60 * 60 * 24 * 7
# Breach documentation is kept at least two years (DSV Art. 15(4)); a link older than that has no use.
ACK_LINK_MAX_AGE = 60 * 60 * 24 * 366 * 2


def ack_token(message: Message) -> str:
    """A signed, salted token naming the message; knowing it is proof of having received the mail."""
    return signing.TimestampSigner(salt=ACK_SALT).sign(message.public_id.hex)


def ack_token_message_id(token: str) -> str:
    """The message public id (hex) in a valid token; raises signing.BadSignature otherwise."""
    return signing.TimestampSigner(salt=ACK_SALT).unsign(token, max_age=ACK_LINK_MAX_AGE)


def ack_url(message: Message) -> str:
    return settings.ART28_BASE_URL.rstrip("/") + _ack_path_template().format(token=ack_token(message))


@functools.cache
def _ack_path_template() -> str:
    """``/notify/ack/{token}/``: reversed once, not once per message of a 10,000-customer fan-out."""
    return reverse("notify_ack:ack", kwargs={"token": "TOKEN"}).replace("TOKEN", "{token}")


def _absolute(path: str) -> str:
    return settings.ART28_BASE_URL.rstrip("/") + path


def confirm_token(subscriber: Subscriber) -> str:
    """The confirmation link's credential: the subscriber's token, signed with the time of sending."""
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(subscriber.token)


def confirm_token_value(signed: str) -> str:
    """The subscriber token in a valid, recent confirmation token; raises signing.BadSignature otherwise."""
    return signing.TimestampSigner(salt=CONFIRM_SALT).unsign(signed, max_age=CONFIRM_LINK_MAX_AGE)


def confirm_url(subscriber: Subscriber) -> str:
    kwargs = {"lang": subscriber.language, "token": confirm_token(subscriber)}
    return _absolute(reverse("trust:subscribe_confirm", kwargs=kwargs))


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The one-click unsubscribe URL (RFC 8058); it never expires."""
    return _absolute(reverse("trust:unsubscribe", kwargs={"lang": subscriber.language, "token": subscriber.token}))


def unsubscribe_mailto(subscriber: Subscriber) -> str:
    address = settings.ART28_UNSUBSCRIBE_EMAIL or dpo_profile().email
    return f"mailto:{address}?subject=unsubscribe%20{subscriber.token}"


def email_for(delivery: Delivery) -> mail.EmailMessage:
    """The e-mail of one delivery. A notice (to a customer or a public subscriber) is written in the notice
    format and goes out as clean plain text with an HTML alternative (``mail_html``), both from the one
    renderer and both with the same links (acknowledgement, unsubscription). A letter to a person (the DPO
    desk's replies) goes verbatim, plain text only."""
    message = delivery.message
    is_notice = message.organisation_id is not None or message.subscriber_id is not None
    body = rendering.to_plain(message.body_text) if is_notice else message.body_text.rstrip("\n") + "\n"
    links: dict[str, str] = {}
    headers = {
        "Message-ID": f"<{delivery.external_id}>",
        "X-Art28-Topic": message.topic,
        "X-Art28-Message": str(message.public_id),
        # RFC 3834: tells auto-responders (out-of-office …) not to answer.
        "Auto-Submitted": "auto-generated",
        "Content-Language": message.language,
    }
    if message.requires_ack:
        links["ack_url"] = ack_url(message)
        with translation.override(message.language):
            body += "\n-- \n" + _("Please acknowledge receipt of this notice: %(url)s") % {"url": links["ack_url"]}
            body += "\n"
    if (subscriber := message.subscriber) is not None:
        url = links["unsubscribe_url"] = unsubscribe_url(subscriber)
        with translation.override(message.language):
            body += "\n-- \n" + _("To stop receiving these messages, unsubscribe in one click: %(url)s") % {"url": url}
            body += "\n"
        headers |= {
            # RFC 2369 and RFC 8058: the mail client's own "unsubscribe" button, one POST, no page to visit.
            "List-Unsubscribe": f"<{url}>, <{unsubscribe_mailto(subscriber)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<subprocessors.{settings.ART28_MAIL_DOMAIN}>",
        }
    email = mail.EmailMultiAlternatives(
        subject=message.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address for address in delivery.recipient.split(",") if address],
        headers=headers,
    )
    if is_notice:
        email.attach_alternative(mail_html(message, **links), "text/html")
    return email


# Inline styles only: mail clients drop stylesheets and <style> blocks unevenly; no remote images.
MAIL_STYLES = {
    "h2": "font-size:18px;line-height:1.3;margin:24px 0 8px;color:#1f2328;",
    "h3": "font-size:16px;line-height:1.3;margin:20px 0 6px;color:#1f2328;",
    "p": "margin:0 0 12px;",
    "ul": "margin:0 0 12px;padding-left:22px;",
    "li": "margin:0 0 4px;",
}


def mail_html(message: Message, *, ack_url: str = "", unsubscribe_url: str = "") -> str:
    """The HTML part: the provider's name, the subject, the notice through the one renderer, the links.
    A subscriber's unsubscribe link is written out in full, as in the plain text (a reader who distrusts
    links sees where it goes)."""
    context = {
        "message": message,
        "body_html": rendering.to_html(message.body_text, styles=MAIL_STYLES),
        "provider_name": settings.ART28_PROVIDER_NAME,
        "ack_url": ack_url,
        "unsubscribe_url": unsubscribe_url,
        "unsubscribe_link": format_html('<a href="{}" style="color:#0b5cad;">{}</a>', unsubscribe_url, unsubscribe_url),
    }
    with translation.override(message.language):
        return render_to_string("notify/mail/notice.html", context)


class MailSession:
    """One mailer connection for a batch of deliveries, reopened once if the server drops it.

    Django's SMTP backend does not return the server's reply; the reply to DATA ("250 2.0.0 Ok:
    queued as 4Xyz…") is the provider's proof that the relay took the notice, so it is captured
    from smtplib and kept in the delivery attempt.
    """

    def __init__(self) -> None:
        self.backend: Any = None
        self.last_reply = ""
        # Set when the server could not be reached: the rest of the batch fails at once instead of
        # each message waiting for its own connect timeout (200 times 10 s would outlive the lease).
        self.unreachable = ""

    def _open(self) -> None:
        if self.unreachable:
            raise ConnectionError(f"mail server unreachable earlier in this batch ({self.unreachable})")
        if self.backend is None:
            self.backend = mail.mailers.default
        try:
            self.backend.open()
        except OSError as exc:
            self.close()
            self.unreachable = f"{type(exc).__name__}: {exc}"
            raise
        smtp = getattr(self.backend, "connection", None)
        if isinstance(smtp, smtplib.SMTP) and not hasattr(smtp, "_art28_data"):
            original = smtp.data

            def data(msg: Any) -> tuple[int, bytes]:
                code, reply = original(msg)
                self.last_reply = f"{code} {reply.decode(errors='replace')}"
                return code, reply

            smtp._art28_data = original  # type: ignore[attr-defined]
            smtp.data = data  # type: ignore[method-assign]

    def send(self, email: mail.EmailMessage) -> str:
        """Send one message; returns the server's reply; raises on any failure (refused, dropped …)."""
        self.last_reply = ""
        self._open()
        try:
            sent = self.backend.send_messages([email])
        except OSError:  # smtplib's errors are OSErrors too
            self.close()  # whatever went wrong, the next message starts on a fresh connection
            raise
        if not sent:
            raise smtplib.SMTPException("the mailer did not send the message")
        return self.last_reply or f"accepted by {type(self.backend).__module__}"

    def close(self) -> None:
        if self.backend is not None:
            with contextlib.suppress(OSError):  # smtplib's errors are OSErrors
                self.backend.close()
            self.backend = None

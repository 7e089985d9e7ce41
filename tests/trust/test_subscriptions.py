"""Public subscriptions to sub-processor changes (S4): double opt-in, one-click unsubscribe (RFC 8058),
anti-abuse, and exactly one mail per change per person, through a real SMTP server."""

from __future__ import annotations

import re

import pytest
from django.core import mail as django_mail
from django.test import Client
from tests.conftest import TEST_ACTOR
from tests.trust.conftest import drain, html_part, plain, sent_to

from art28.notify.models import Message, Subscriber
from art28.subprocessors.changes import change_withdraw

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://\S+/(?:subscribe/confirm|unsubscribe)/[^/\s]+/")


def subscribe(client: Client, email: str, *, language: str = "en", **extra: str):
    return client.post(f"/{language}/trust/subscribe/", {"email": email, "language": language, **extra})


def confirmation_link(smtp, address: str) -> str:
    [message] = sent_to(smtp, address)
    [link] = [m for m in LINK.findall(plain(message)) if "/confirm/" in m]
    return link.removeprefix("http://127.0.0.1:8000")


def subscribed(client: Client, smtp, address: str, *, language: str = "en") -> Subscriber:
    """Subscribe, receive the confirmation mail, press the button."""
    assert subscribe(client, address, language=language).status_code == 302
    drain()
    path = confirmation_link(smtp, address)
    assert client.post(path).status_code == 200
    return Subscriber.objects.get(email=address)


def test_subscribe_then_confirm_then_receive_the_next_change_exactly_once(
    client: Client, register, announce, smtp_server
):
    response = subscribe(client, "Reader@Example.org ", language="de")
    assert response.status_code == 302 and response["Location"] == "/de/trust/subscribe/sent/"
    assert Subscriber.objects.get(email="reader@example.org").confirmed_at is None
    drain()
    [confirm] = sent_to(smtp_server, "reader@example.org")
    assert confirm["Content-Language"] == "de"
    path = confirmation_link(smtp_server, "reader@example.org")
    assert path.startswith("/de/trust/subscribe/confirm/")
    # GET only shows the button: a mail scanner opening the link confirms nothing.
    page = client.get(path)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert Subscriber.objects.get(email="reader@example.org").confirmed_at is None
    assert client.post(path).status_code == 200
    assert Subscriber.objects.get(email="reader@example.org").is_active

    change = announce("newco", legal_name="New Company SA")
    drain()
    mails = sent_to(smtp_server, "reader@example.org")[1:]
    assert len(mails) == 1
    [notice] = mails
    assert "New Company SA" in notice["Subject"]
    assert f"/de/trust/#change-{change.pk}" in plain(notice)
    assert Message.objects.filter(subscriber__email="reader@example.org", topic="subprocessor.change").count() == 1
    drain()
    assert len(sent_to(smtp_server, "reader@example.org")) == 2  # nothing more


def test_an_unconfirmed_subscriber_receives_no_change(client: Client, register, announce, smtp_server):
    subscribe(client, "lazy@example.org")
    drain()
    assert len(sent_to(smtp_server, "lazy@example.org")) == 1  # the confirmation only
    announce()
    drain()
    assert len(sent_to(smtp_server, "lazy@example.org")) == 1


def test_every_subscriber_mail_has_the_one_click_unsubscribe_headers(client: Client, register, announce, smtp_server):
    subscriber = subscribed(client, smtp_server, "reader@example.org")
    announce()
    drain()
    for message in sent_to(smtp_server, "reader@example.org"):
        url = f"http://127.0.0.1:8000/en/trust/unsubscribe/{subscriber.token}/"
        assert message["List-Unsubscribe"].startswith(f"<{url}>, <mailto:")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert url in plain(message)


def test_one_click_unsubscribe_needs_no_csrf_token_and_stops_the_mail(register, announce, smtp_server):
    client = Client(enforce_csrf_checks=True)
    subscriber = subscribed(Client(), smtp_server, "reader@example.org")
    path = f"/en/trust/unsubscribe/{subscriber.token}/"
    # What a mail client sends (RFC 8058 3.2): a POST with this body, no cookie, no token.
    response = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    announce()
    drain()
    assert len(sent_to(smtp_server, "reader@example.org")) == 1  # the confirmation, nothing after


def test_unsubscribe_get_only_shows_a_button(client: Client, register, smtp_server):
    subscriber = subscribed(client, smtp_server, "reader@example.org")
    page = client.get(f"/fr/trust/unsubscribe/{subscriber.token}/")
    assert page.status_code == 200 and b'<form method="post">' in page.content
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None
    assert client.get("/fr/trust/unsubscribe/not-a-token/").status_code == 404


def test_a_message_queued_before_the_unsubscription_is_not_sent(client: Client, register, announce, smtp_server):
    subscriber = subscribed(client, smtp_server, "reader@example.org")
    announce()  # queued, not sent yet
    client.post(f"/en/trust/unsubscribe/{subscriber.token}/")
    drain()
    assert len(sent_to(smtp_server, "reader@example.org")) == 1


def test_the_form_does_not_reveal_who_is_subscribed(client: Client, register, smtp_server):
    subscribed(client, smtp_server, "known@example.org")
    known = subscribe(client, "known@example.org")
    unknown = subscribe(client, "unknown@example.org")
    assert known.status_code == unknown.status_code == 302 and known["Location"] == unknown["Location"]
    drain()
    assert len(sent_to(smtp_server, "known@example.org")) == 1  # no second mail either


def test_the_honeypot_pretends_and_does_nothing(client: Client, register, smtp_server):
    response = subscribe(client, "bot@example.org", website="http://spam.example")
    assert response.status_code == 302
    assert not Subscriber.objects.filter(email="bot@example.org").exists()
    drain()
    assert not smtp_server.received


def test_the_rate_limit_per_ip(client: Client, register, settings):
    settings.ART28_SUBSCRIBE_PER_IP_PER_HOUR = 3
    for index in range(3):
        assert subscribe(client, f"person{index}@example.org").status_code == 302
    blocked = subscribe(client, "person9@example.org")
    assert blocked.status_code == 429
    assert not Subscriber.objects.filter(email="person9@example.org").exists()
    other_ip = client.post("/en/trust/subscribe/", {"email": "person9@example.org"}, REMOTE_ADDR="192.0.2.7")
    assert other_ip.status_code == 302


def test_an_invalid_address_is_refused_with_the_form_again(client: Client, register):
    response = subscribe(client, "not an address", language="fr")
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Subscriber.objects.exists()


def test_a_forged_or_old_confirmation_link_is_a_404(client: Client, register, smtp_server, settings):
    subscribe(client, "reader@example.org")
    drain()
    path = confirmation_link(smtp_server, "reader@example.org")
    assert client.post(path[:-3] + "xx/").status_code == 404


def test_a_customer_contact_who_also_subscribed_gets_one_mail_per_change(
    client: Client, register, announce, smtp_server
):
    """privacy@cust.example is the privacy contact of a customer concerned by the change (it is told as a
    customer, by the subprocessors app) and a public subscriber: one mail, not two."""
    subscribed(client, smtp_server, "privacy@cust.example")
    subscribed(client, smtp_server, "reader@example.org")
    change = announce("newco")
    drain()
    to_customer = sent_to(smtp_server, "privacy@cust.example")[1:]
    assert len(to_customer) == 1
    assert to_customer[0]["X-Art28-Topic"] == "subprocessor.change"
    assert len(sent_to(smtp_server, "reader@example.org")[1:]) == 1
    assert not Message.objects.filter(subscriber__email="privacy@cust.example", topic="subprocessor.change").exists()
    assert change.recipients.filter(organisation=register.customer).exists()


def test_a_withdrawn_change_is_told_to_the_subscribers_who_heard_of_it(client: Client, register, announce, smtp_server):
    subscribed(client, smtp_server, "reader@example.org")
    change = announce("newco", legal_name="New Company SA")
    drain()
    change_withdraw(actor=TEST_ACTOR, change=change, reason="Not needed after all.")
    drain()
    *_, withdrawn = sent_to(smtp_server, "reader@example.org")
    assert "Withdrawn" in withdrawn["Subject"] and "Not needed after all." in plain(withdrawn)


def test_the_subscriber_address_stays_out_of_the_audit_trail(client: Client, register):
    from art28.core.models import AuditEntry

    subscribe(client, "reader@example.org")
    entries = AuditEntry.objects.filter(action__startswith="notify.subscriber")
    assert entries.exists()
    assert not [e for e in entries if "reader@example.org" in f"{e.object_repr}{e.after}"]
    assert not django_mail.outbox  # everything goes through the outbox, nothing sent in the request


def test_a_mailed_unsubscribe_request_is_handled_with_the_command(client: Client, register, smtp_server):
    import io

    from django.core.management import call_command

    subscriber = subscribed(client, smtp_server, "reader@example.org")
    out = io.StringIO()
    call_command("subscriber_unsubscribe", "Reader@example.org", "nobody@example.org", stdout=out)
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    assert "reader@example.org" not in out.getvalue().split("\n")[1]


def test_a_subscriber_mail_is_multipart_with_the_notice_as_escaped_html_and_the_unsubscribe_link_in_both(
    client: Client, register, announce, smtp_server, settings
):
    """Like a customer notice (notify/test_email_html.py): one text, two renderings by the same renderer."""
    settings.ART28_PROVIDER_NAME = "Example Hosting SA"
    subscriber = subscribed(client, smtp_server, "reader@example.org")
    announce("newco", legal_name="Evil <script>alert(1)</script> SA", purpose="Log <b>analysis</b>")
    drain()
    notice = sent_to(smtp_server, "reader@example.org")[-1]
    assert notice.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in notice.iter_parts()] == ["text/plain", "text/html"]
    unsubscribe = f"http://127.0.0.1:8000/en/trust/unsubscribe/{subscriber.token}/"

    text = plain(notice)
    title = "New sub-processor: Evil <script>alert(1)</script> SA"
    assert f"{title}\n{'-' * len(title)}\n" in text  # plain text is text: as written, nothing to escape
    assert "The sub-processor\n-----------------\n" in text and "Purpose: Log <b>analysis</b>" in text
    assert "==" not in text
    assert f"unsubscribe in one click: {unsubscribe}" in text

    html = html_part(notice)
    assert "<script>" not in html and "<b>" not in html
    assert ">New sub-processor: Evil &lt;script&gt;alert(1)&lt;/script&gt; SA</h2>" in html
    assert ">The sub-processor</h2>" in html and "Log &lt;b&gt;analysis&lt;/b&gt;" in html
    assert "<title>Example Hosting SA: New sub-processor: Evil &lt;script&gt;" in html  # the subject too
    assert "==" not in html
    assert f'unsubscribe in one click: <a href="{unsubscribe}" style="color:#0b5cad;">{unsubscribe}</a>' in html
    assert "Example Hosting SA" in html and "customer portal" not in html  # a subscriber has no portal
    assert "/notify/ack/" not in html and "<img" not in html and "<style" not in html and "<link" not in html


def test_a_subscribers_confirmation_and_notices_are_html_in_their_language_too(
    client: Client, register, announce, smtp_server
):
    subscribed(client, smtp_server, "leser@example.org", language="de")
    confirmation = sent_to(smtp_server, "leser@example.org")[0]
    html = html_part(confirmation)
    assert '<html lang="de">' in html and '<a href="http://127.0.0.1:8000/de/trust/subscribe/confirm/' in html
    announce("newco", legal_name="New Company SA")
    drain()
    html = html_part(sent_to(smtp_server, "leser@example.org")[-1])
    assert '<html lang="de">' in html and ">Der Unterauftragsbearbeiter</h2>" in html
    assert "melden Sie sich mit einem Klick ab: <a href=" in html

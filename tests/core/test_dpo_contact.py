"""One source for the DPO's contact (issue 9, item 12; GDPR Art. 37(7), nFADP Art. 10(3)(d)).

Once the DPO profile is saved, no output may still print the settings' default address: the trust center,
breach notices (mail, portal, webhook), the DPA, records (CSV, JSON, the HTML the PDFs are made from),
subprocessors.json, the Atom feed, objection and consent messages, legal-document notices, security.txt and
every mail's unsubscribe address. The test loads the demo provider (which saves its profile before it sends
anything) with the settings pointing at a sentinel address, then renders every output and looks for it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from art28.core.dpo import dpo_contact_problem, dpo_profile, dpo_profile_update
from art28.core.models import DpoProfile, Organisation, User
from art28.core.roles import Role
from art28.notify.mail import email_for
from art28.notify.models import Delivery, Message
from tests.conftest import TEST_ACTOR, logged_in

pytestmark = pytest.mark.django_db

SETTINGS_ADDRESS = "settings-default-dpo@unused.example"


def _url_names(patterns: list, namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def parameterless_urls() -> list[str]:
    """Every named page of the URL resolver that takes no argument (the whole site's fixed pages)."""
    urls = set()
    for name in set(_url_names(get_resolver().url_patterns)):
        try:
            urls.add(reverse(name))
        except NoReverseMatch:
            continue
    return sorted(urls)


@pytest.fixture
def demo(settings) -> None:
    settings.ART28_DPO_NAME = "Settings Default Name"
    settings.ART28_DPO_EMAIL = SETTINGS_ADDRESS
    settings.ART28_SECURITY_CONTACT = ""
    settings.ART28_UNSUBSCRIBE_EMAIL = ""
    call_command("load_demo", "--customers", "40", stdout=io.StringIO())


def _without_settings_address(where: str, text: str | bytes) -> None:
    content = text.decode(errors="replace") if isinstance(text, bytes) else text
    assert SETTINGS_ADDRESS not in content, f"{where} prints the settings' default DPO address"
    assert "Settings Default Name" not in content, f"{where} prints the settings' default DPO name"


def test_no_output_prints_the_settings_dpo_address_once_a_profile_is_saved(demo, client: Client):
    """GDPR Art. 37(7) / nFADP Art. 10(3)(d): one published contact, the saved profile's, everywhere."""
    saved = dpo_profile()
    assert saved.email == "dpo@example-hosting.ch" and saved.updated_at is not None

    # Everything said to customers and subscribers: breach notices, sub-processor changes, DPO mails,
    # legal notices (subject, text and webhook payload), and each e-mail as sent (List-Unsubscribe).
    messages = list(Message.objects.all())
    assert {m.topic for m in messages} >= {"breach.notice", "subprocessor.change"}
    for message in messages:
        _without_settings_address(f"message {message.topic}", f"{message.subject}\n{message.body_text}")
        _without_settings_address(f"payload {message.topic}", str(message.payload))
    breach_payloads = [m.payload for m in messages if m.topic == "breach.notice"]
    assert breach_payloads and all(p["contact"]["email"] == saved.email for p in breach_payloads)
    for delivery in Delivery.objects.filter(channel="email").select_related("message")[:50]:
        email = email_for(delivery)
        _without_settings_address("e-mail headers", str(email.extra_headers) + email.body)

    # Every fixed page of the site, as the public, the DPO and a customer administrator.
    urls = parameterless_urls()
    assert "/trust/subprocessors.json" in urls and "/.well-known/security.txt" in urls
    dpo_user = User.objects.get(email="dpo@example-hosting.ch")
    customer = User.objects.get(email="customer@example.org")
    seen = 0
    for who, browser in (("public", client), ("dpo", logged_in(dpo_user)), ("customer", logged_in(customer))):
        for url in urls:
            response = browser.get(url)
            if response.status_code == 200 and not getattr(response, "streaming", False):
                _without_settings_address(f"{url} as {who}", response.content)
                seen += 1
            elif response.status_code == 200:
                _without_settings_address(f"{url} as {who}", b"".join(response.streaming_content))
                seen += 1
    assert seen > 60
    assert saved.email in client.get("/.well-known/security.txt").content.decode()
    assert saved.email in client.get("/trust/subprocessors.atom").content.decode()
    assert saved.email in client.get("/trust/subprocessors.json").json()["provider"]["dpo"]["email"]

    # The customer's DPA and record (the HTML their PDFs are made from), and the breach notice page.
    from art28.legal.dpa import dpa_html, dpa_version_in_force
    from art28.records.exports import controller_json
    from art28.records.generation import controller_record

    org = customer.organisation
    assert isinstance(org, Organisation)
    version = dpa_version_in_force()
    assert version is not None
    _, document = dpa_html(org, version)
    assert saved.email in document
    _without_settings_address("the DPA", document)
    record = controller_record(org)
    _without_settings_address("the record (JSON)", controller_json(record))
    with translation.override(org.language):
        _without_settings_address(
            "the record (PDF HTML)", render_to_string("records/record_pdf.html", {"record": record})
        )
    inbox = logged_in(customer).get("/portal/inbox/")
    _without_settings_address("the portal inbox", inbox.content)


def test_objection_messages_name_the_saved_dpo(demo):
    """An objection refused because the change took effect names the DPO to contact: the saved one."""
    from art28.subprocessors.models import ChangeRecipient
    from art28.subprocessors.responses import change_object

    row = (
        ChangeRecipient.objects.filter(change__status="announced", objected_at__isnull=True, authorisation="general")
        .select_related("change", "organisation")
        .first()
    )
    assert row is not None
    row.change.effective_on = timezone.localdate()
    row.change.save(update_fields=["effective_on"])
    with pytest.raises(ValidationError) as refused:
        change_object(actor=TEST_ACTOR, change=row.change, organisation=row.organisation, reason="")
    assert "dpo@example-hosting.ch" in str(refused.value) and SETTINGS_ADDRESS not in str(refused.value)


def test_the_dashboard_warns_while_the_dpo_contact_is_the_default(settings, make_user):
    """The dashboard says so until the DPO saves a real contact (GDPR Art. 37(7): it is published)."""
    settings.ART28_DPO_EMAIL = "dpo@localhost"
    admin = logged_in(make_user("admin@provider.example", Role.ADMIN))
    assert dpo_contact_problem() == "not-saved"
    page = admin.get("/staff/").content.decode()
    assert 'id="dpo-contact-warning"' in page and "dpo@localhost" in page

    dpo_profile_update(actor=TEST_ACTOR, name="Dana", email="dpo@localhost")
    assert dpo_contact_problem() == "placeholder-address"
    assert 'id="dpo-contact-warning"' in admin.get("/staff/").content.decode()

    dpo_profile_update(actor=TEST_ACTOR, name="Dana", email="privacy@provider.example")
    assert dpo_contact_problem() == ""
    assert 'id="dpo-contact-warning"' not in admin.get("/staff/").content.decode()


def test_the_saved_profile_moved_to_core_is_the_one_read():
    """The profile is one row in core; the default one is never saved by reading it."""
    assert DpoProfile.objects.count() == 0
    assert dpo_profile().updated_at is None
    dpo_profile_update(actor=TEST_ACTOR, name="Dana", email="Privacy@Provider.example", languages=["fr", "en"])
    assert DpoProfile.objects.get().email == "privacy@provider.example"
    assert dpo_profile().language_list == ["en", "fr"]

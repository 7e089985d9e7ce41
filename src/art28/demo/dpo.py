"""The demo DPO desk (S11): the DPO's profile and six requests in various states — one overdue, one
extended, one forwarded to the demo customer's organisation and waiting for its answer."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.dpo import dpo_profile_update
from art28.core.models import User
from art28.core.roles import Role
from art28.dpo.services import (
    request_assign,
    request_close,
    request_extend,
    request_forward,
    request_note,
    request_reply,
    request_submit,
)

DEMO_CUSTOMER = "customer@example.org"


def _submit(days_ago: int, **fields: str):  # type: ignore[no-untyped-def]
    return request_submit(received_at=timezone.now() - dt.timedelta(days=days_ago), **fields)


def load_demo_dpo_profile(actor: SystemActor) -> None:
    """The DPO's profile, saved before anything is sent: every notice, mail and document names it."""
    dpo_profile_update(
        actor=actor,
        name="Daniel DPO",
        email="dpo@example-hosting.ch",
        phone="+41 22 555 01 28",
        postal_address="Example Hosting SA\nData protection officer\nRue du Lac 1\n1200 Genève",
        introduction="I answer questions about how we process personal data and help you exercise your rights.",
        # The provider is Swiss: its adviser of nFADP Art. 10 (Datenschutzberater/in), in each language.
        introduction_i18n={
            "fr": "En tant que conseiller à la protection des données, je réponds à vos questions sur la manière "
            "dont nous traitons les données personnelles et je vous aide à exercer vos droits.",
            "de": "Als Datenschutzberater beantworte ich Ihre Fragen dazu, wie wir Personendaten bearbeiten, und "
            "helfe Ihnen, Ihre Rechte auszuüben.",
            "it": "In qualità di consulente per la protezione dei dati rispondo alle vostre domande su come trattiamo "
            "i dati personali e vi aiuto a esercitare i vostri diritti.",
        },
        languages=["en", "fr", "de", "it"],
    )


def load_demo_dpo(actor: SystemActor) -> str:
    """Six requests to the DPO desk in various states."""
    dpo = User.objects.filter(role=Role.DPO).first()
    overdue = _submit(
        40,
        kind="access",
        name="Lukas Meier",
        email="lukas.meier@example.net",
        country="CH",
        language="de",
        message="Bitte teilen Sie mir mit, welche Daten Sie über mich bearbeiten.",
        controller_kind="provider",
    )
    if dpo is not None:
        request_assign(actor=actor, request=overdue, assignee=dpo)
    open_erasure = _submit(
        10,
        kind="erasure",
        name="Anna Schmidt",
        email="anna.schmidt@example.net",
        country="DE",
        language="de",
        message="Bitte löschen Sie mein Kundenkonto und alle Rechnungsdaten.",
        controller_kind="provider",
    )
    request_note(actor=actor, request=open_erasure, text="Former customer; check the retention of invoices (10 years).")
    _submit(
        3,
        kind="question",
        name="Claire Dubois",
        email="claire.dubois@example.net",
        country="FR",
        language="fr",
        message="Vos centres de données sont-ils tous en Suisse ?",
    )
    forwarded = _submit(
        12,
        kind="access",
        name="Giulia Rossi",
        email="giulia.rossi@example.net",
        country="IT",
        language="it",
        message="Vorrei sapere quali dati personali il vostro cliente conserva su di me nel suo negozio online.",
        concerns="the online shop of the demo customer",
        controller_kind="customer",
    )
    customer = User.objects.filter(email=DEMO_CUSTOMER).select_related("organisation").first()
    if customer is not None and customer.organisation is not None:
        request_forward(actor=actor, request=forwarded, organisation=customer.organisation)
    extended = _submit(
        25,
        kind="objection",
        name="Markus Huber",
        email="markus.huber@example.net",
        country="AT",
        language="de",
        message="Ich widerspreche der Verwendung meiner Daten für Newsletter.",
        controller_kind="provider",
    )
    request_extend(
        actor=actor,
        request=extended,
        reasons="The newsletter lists are kept by three services; each must be searched.",
        today=extended.received_on + dt.timedelta(days=25),
    )
    closed = _submit(
        60,
        kind="security",
        name="Sam Researcher",
        email="sam@security.example",
        country="GB",
        language="en",
        message="Your status page shows a directory listing at /backup/.",
    )
    request_reply(actor=actor, request=closed, text="Thank you: the listing is disabled and nothing was exposed.")
    request_close(actor=actor, request=closed, outcome="answered")
    return "DPO desk: profile, 6 requests (1 overdue, 1 extended, 1 forwarded to the demo customer)"

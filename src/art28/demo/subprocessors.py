"""The demo provider's sub-processors (S4): the Frankfurt colocation operator, a Swiss support desk
(with its own Swiss hosting: the chain of GDPR Art. 28(4)), a US e-mail deliverability service under SCC;
the customers' written authorisations (GDPR Art. 28(2)): the demo customer countersigned the DPA in the
portal, most others signed a paper DPA recorded by staff, and two web hosting customers have none on
record (the dashboard and the residency audit show them); and one announced change that the demo
customer objected to. Each of them in use or announced is bound by a flow-down agreement (GDPR Art. 28(4));
a Lugano tape vault waits in a draft change, its agreement incomplete."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation

from art28.core.audit import SystemActor
from art28.core.models import Organisation, User
from art28.inventory.selectors import organisation_service_ids
from art28.subprocessors.changes import change_announce, change_draft
from art28.subprocessors.flowdown import flowdown_agreement_record
from art28.subprocessors.models import FlowDownClause, SubProcessor
from art28.subprocessors.responses import change_object
from art28.subprocessors.services import contracts_record_signed, subprocessor_create

DEMO_CUSTOMER = "customer@example.org"
REGISTER = [
    {
        "slug": "mainhattan-colocation",
        "legal_name": "Mainhattan Colocation GmbH",
        "address": "Hanauer Landstrasse 300, 60314 Frankfurt am Main, Germany",
        "contact_name": "Jana Keller",
        "contact_email": "privacy@mainhattan-colo.example",
        "website": "https://mainhattan-colo.example",
        "purpose": "Colocation of the FRA1 cage: power, cooling and physical access to the racks of backup copies.",
        "purpose_i18n": {
            "fr": "Colocation de la cage FRA1 : alimentation électrique, refroidissement et accès physique aux "
            "baies des copies de sauvegarde.",
            "de": "Colocation des Käfigs FRA1: Stromversorgung, Kühlung und physischer Zugang zu den Racks mit den "
            "Sicherungskopien.",
            "it": "Colocation della gabbia FRA1: alimentazione elettrica, raffreddamento e accesso fisico ai rack "
            "delle copie di backup.",
        },
        "data_categories": "backup copies",
        "countries": "DE",
        "sites": ["FRA1"],
        "services": ["Backup"],
        "in_use_from": dt.date(2023, 3, 1),
    },
    {
        "slug": "helvetic-ticketdesk",
        "legal_name": "Helvetic Ticketdesk AG",
        "address": "Europaallee 41, 8004 Zürich, Switzerland",
        "contact_name": "Marco Frei",
        "contact_email": "dpo@ticketdesk.example",
        "website": "https://ticketdesk.example",
        "purpose": "Support tickets of web hosting customers, which may quote content of their sites.",
        "purpose_i18n": {
            "fr": "Tickets de support des clients de l’hébergement web, qui peuvent citer des contenus de leurs sites.",
            "de": "Support-Tickets der Webhosting-Kunden, die Inhalte ihrer Websites zitieren können.",
            "it": "Ticket di assistenza dei clienti dell’hosting web, che possono citare contenuti dei loro siti.",
        },
        "data_categories": "contact details;support requests",
        "countries": "CH",
        "services": ["Web hosting"],
        "in_use_from": dt.date(2022, 1, 1),
    },
    {
        "slug": "alpine-cloud",
        "legal_name": "Alpine Cloud AG",
        "address": "Route de la Gare 5, 1950 Sion, Switzerland",
        "purpose": "Hosting of the Helvetic Ticketdesk service.",
        # No Italian on purpose: the one demo text an Italian reader sees in English with the
        # "not available in Italian" marker (art28.core.translated).
        "purpose_i18n": {
            "fr": "Hébergement du service de Helvetic Ticketdesk.",
            "de": "Hosting des Dienstes von Helvetic Ticketdesk.",
        },
        "countries": "CH",
        "engaged_by": "helvetic-ticketdesk",
        "in_use_from": dt.date(2022, 1, 1),
    },
    {
        "slug": "inboxly",
        "legal_name": "Inboxly Inc.",
        "address": "500 Howard Street, San Francisco, CA 94105, USA",
        "website": "https://inboxly.example",
        "purpose": "Delivery of outgoing e-mail of the Mail service: reputation, bounces and complaints.",
        "purpose_i18n": {
            "fr": "Distribution des e-mails sortants du service Mail : réputation, rebonds et plaintes.",
            "de": "Zustellung der ausgehenden E-Mails des Mail-Dienstes: Reputation, Unzustellbarkeitsmeldungen "
            "und Beschwerden.",
            "it": "Recapito delle e-mail in uscita del servizio Mail: reputazione, messaggi non recapitati e reclami.",
        },
        # "email addresses" is an alias in the glossary: the register stores "e-mail addresses".
        "data_categories": "email addresses;e-mail metadata",
        "countries": "US",
        "transfer_safeguard": "Standard contractual clauses (EU 2021/914) with the Swiss addendum",
        "transfer_safeguard_i18n": {
            "fr": "Clauses contractuelles types (UE 2021/914) avec l’avenant suisse",
            "de": "Standardvertragsklauseln (EU 2021/914) mit dem Schweizer Addendum",
            "it": "Clausole contrattuali tipo (UE 2021/914) con l’addendum svizzero",
        },
        "services": ["Mail"],
        "in_use_from": dt.date(2024, 6, 1),
    },
    {
        "slug": "loglake",
        "legal_name": "Loglake Ltd",
        "address": "1 Grand Canal Square, Dublin 2, Ireland",
        "website": "https://loglake.example",
        "purpose": "Central analysis of web server and VM logs to detect attacks faster.",
        "purpose_i18n": {
            "fr": "Analyse centralisée des journaux des serveurs web et des VM pour détecter plus vite les attaques.",
            "de": "Zentrale Auswertung der Logs von Webservern und VMs, um Angriffe schneller zu erkennen.",
            "it": "Analisi centralizzata dei log dei server web e delle VM per individuare più rapidamente gli "
            "attacchi.",
        },
        "data_categories": "logs;IP addresses",
        "countries": "IE",
    },
    {
        "slug": "archivio-ticino",
        "legal_name": "Archivio Ticino SA",
        "address": "Via Cantonale 19, 6900 Lugano, Switzerland",
        "website": "https://archivio-ticino.example",
        "purpose": "Off-site tape copies of the backup sets, kept in a vault for disaster recovery.",
        "purpose_i18n": {
            "fr": "Copies sur bande des jeux de sauvegarde, conservées hors site dans un coffre pour la reprise "
            "après sinistre.",
            "de": "Bandkopien der Sicherungssätze, ausserhalb des Standorts in einem Tresor für die "
            "Notfallwiederherstellung aufbewahrt.",
            "it": "Copie su nastro dei set di backup, conservate fuori sede in un caveau per il ripristino in caso "
            "di disastro.",
        },
        "data_categories": "backup copies",
        "countries": "CH",
        "services": ["Backup"],
    },
]

# GDPR Art. 28(4), nFADP Art. 9(3): the agreement binding each sub-processor in use or announced to the same
# obligations (slug: signed on, duties not covered). Archivio Ticino's leaves out the audits and the
# conditions for further sub-processors: its draft change cannot be announced, and its page says why.
AGREEMENTS: dict[str, tuple[dt.date, tuple[str, ...]]] = {
    "mainhattan-colocation": (dt.date(2023, 2, 14), ()),
    "helvetic-ticketdesk": (dt.date(2021, 11, 30), ()),
    "alpine-cloud": (dt.date(2021, 12, 10), ()),
    "inboxly": (dt.date(2024, 5, 6), ()),
    "loglake": (dt.date(2025, 9, 1), ()),
    "archivio-ticino": (dt.date(2025, 10, 20), (FlowDownClause.SUBPROCESSING, FlowDownClause.AUDITS)),
}


def _agreement_text(sp: SubProcessor, signed_on: dt.date, clauses: list[str]) -> bytes:
    """A small stand-in for the signed agreement (a real one is a PDF the parties signed)."""
    duties = "\n".join(f"- {FlowDownClause(code).label}" for code in clauses)
    return (
        f"Sub-processing agreement between {settings.ART28_PROVIDER_NAME} and {sp.legal_name}\n"
        f"Signed on {signed_on.isoformat()}.\n\n"
        "GDPR Art. 28(4) / nFADP Art. 9(3): the sub-processor is bound by the same data protection obligations as "
        f"those of {settings.ART28_PROVIDER_NAME}'s contracts with its customers, namely:\n{duties}\n"
    ).encode()


def load_demo_subprocessors(actor: SystemActor) -> str:
    for entry in REGISTER:
        subprocessor_create(actor=actor, **entry)  # type: ignore[arg-type]
    incomplete = []
    with translation.override("en"):
        for slug, (signed_on, left_out) in AGREEMENTS.items():
            sp = SubProcessor.objects.get(slug=slug)
            clauses = [code for code in FlowDownClause.values if code not in left_out]
            flowdown_agreement_record(
                actor=actor,
                subprocessor=sp,
                signed_on=signed_on,
                file_name=f"{slug}-sub-processing-agreement-{signed_on.isoformat()}.txt",
                content=_agreement_text(sp, signed_on, clauses),
                clauses=clauses,
            )
            if left_out:
                incomplete.append(slug)
    return (
        f"registered {len(REGISTER)} sub-processors, {len(AGREEMENTS)} flow-down agreements "
        f"(incomplete: {', '.join(incomplete) or 'none'})"
    )


UNAUTHORISED_CUSTOMERS = 2
PAPER_DPA_SIGNED_ON = dt.date(2024, 1, 15)


def _left_without_authorisation(count: int) -> list[Organisation]:
    """Web hosting customers with no demo login: the support desk works on their data (a finding)."""
    from art28.inventory.models import Service

    web = Service.objects.filter(name="Web hosting").values_list("pk", flat=True).first()
    chosen: list[Organisation] = []
    for organisation in Organisation.objects.filter(users__isnull=True).order_by("-ref"):
        if web in organisation_service_ids(organisation):
            chosen.append(organisation)
            if len(chosen) == count:
                break
    return chosen


def load_demo_authorisations(actor: SystemActor) -> str:
    """Written authorisations (GDPR Art. 28(2)): the demo customer's administrator countersigns the DPA
    (its front matter grants a general authorisation, 30 days), the other customers' paper DPAs are
    recorded by staff, some with a specific authorisation, and two customers are left without one.
    Run after everything the DPA shows is loaded, so the countersigned PDF is the one the portal shows."""
    from art28.legal.dpa import dpa_countersign, dpa_for

    demo_user = User.objects.filter(email=DEMO_CUSTOMER).select_related("organisation").first()
    countersigned = 0
    if demo_user is not None and demo_user.organisation is not None:
        dpa = dpa_for(demo_user.organisation)
        if dpa is not None:
            dpa_countersign(actor=demo_user, organisation=demo_user.organisation, echoed_sha256=dpa.sha256)
            countersigned = 1
    left_out = {o.pk for o in _left_without_authorisation(UNAUTHORISED_CUSTOMERS)}
    others = list(Organisation.objects.filter(contract__isnull=True).exclude(pk__in=left_out).order_by("ref"))
    # Mostly general authorisations with 30 days' notice; every 50th specific, a few with 60 days.
    groups: dict[tuple[str, int], list[Organisation]] = {}
    for index, organisation in enumerate(others):
        terms = ("specific", 30) if index % 50 == 3 else ("general", 60) if index % 50 == 28 else ("general", 30)
        groups.setdefault(terms, []).append(organisation)
    recorded = sum(
        contracts_record_signed(
            actor=actor,
            organisations=members,
            authorisation=authorisation,
            notice_days=days,
            signed_on=PAPER_DPA_SIGNED_ON,
        )
        for (authorisation, days), members in sorted(groups.items())
    )
    refs = ", ".join(Organisation.objects.filter(pk__in=left_out).order_by("ref").values_list("ref", flat=True))
    return (
        f"authorisations: {countersigned} by DPA countersignature, {recorded} paper DPAs recorded; "
        f"none on record for {refs or 'nobody'}"
    )


def announce_demo_change(actor: SystemActor) -> str:
    """The Loglake addition, announced to the customers concerned; the demo customer objected."""
    demo_user = User.objects.filter(email=DEMO_CUSTOMER).select_related("organisation").first()
    services = {"Web hosting", "Cloud servers"}
    if demo_user is not None and demo_user.organisation is not None:
        from art28.inventory.models import Service

        ids = organisation_service_ids(demo_user.organisation)
        services |= set(Service.objects.filter(pk__in=ids).values_list("name", flat=True))
    draft = change_draft(
        actor=actor,
        kind="addition",
        subprocessor="loglake",
        summary=(
            "We intend to send the logs of our web hosting and cloud servers to Loglake, a log analysis service "
            "in Ireland, to detect attacks on your sites and servers faster."
        ),
        services=sorted(services),
    )
    change = change_announce(actor=actor, change=draft)
    if demo_user is not None and demo_user.organisation is not None:
        change_object(
            actor=demo_user,
            change=change,
            organisation=demo_user.organisation,
            reason="We promise our own clients that their data stays in Switzerland; Ireland breaks that promise.",
        )
    # A draft that cannot be announced yet: Archivio Ticino's agreement is incomplete (GDPR Art. 28(4)).
    waiting = change_draft(
        actor=actor,
        kind="addition",
        subprocessor="archivio-ticino",
        summary=(
            "We intend to keep a second copy of the backup sets on tape in a vault in Lugano, so that a disaster "
            "at one of our sites cannot destroy both."
        ),
        services=["Backup"],
    )
    return (
        f"announced change #{change.pk} to {change.recipients.count()} customers, effective on "
        f"{change.effective_on}; change #{waiting.pk} drafted, waiting for a complete flow-down agreement"
    )

"""The demo provider's TOMs catalogue (GDPR Art. 32(1)(a)-(d)), its responsibility matrix (S9) and its own
Art. 30(1) record, written through the records services. Two measures are overdue for review, so the
dashboard shows the card. The DPA document itself comes from the legal demo (or not at all)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.models import User
from art28.demo.records_i18n import MATRIX_I18N, MEASURES_I18N, SERVICES_I18N
from art28.inventory.models import Service
from art28.inventory.services import service_texts_update
from art28.records.models import ProcessingActivity, TechnicalMeasure
from art28.records.services import activity_create, measure_create, responsibility_create

DPO, SECURITY, OPS = "dpo@example-hosting.ch", "security@example-hosting.ch", "ops@example-hosting.ch"

# (ref, area, title, description, owner, services, review every (days), next review in (days; < 0: overdue))
MEASURES = [
    (
        "tom-a-disk-encryption",
        "a",
        "Encryption of volumes at rest",
        "LUKS2 (AES-256-XTS) on every customer volume; keys in the HSM cluster, never on the host.",
        SECURITY,
        [],
        365,
        120,
    ),
    (
        "tom-a-tls",
        "a",
        "Encryption in transit",
        "TLS 1.2+ on every public endpoint and between sites; certificates rotated automatically.",
        SECURITY,
        [],
        365,
        200,
    ),
    (
        "tom-a-backup-encryption",
        "a",
        "Encrypted backups",
        "Backup sets are encrypted before they leave the host; restore keys held by operations.",
        OPS,
        ["Backup"],
        365,
        60,
    ),
    (
        "tom-b-access-control",
        "b",
        "Least-privilege staff access",
        "Named accounts with MFA, access by role, quarterly review of rights.",
        SECURITY,
        [],
        90,
        -12,
    ),
    (
        "tom-b-tenant-isolation",
        "b",
        "Tenant isolation",
        "Per-customer VLANs and hypervisor isolation; automated cross-tenant probes every night.",
        OPS,
        ["Cloud servers", "Web hosting"],
        180,
        45,
    ),
    (
        "tom-b-physical-access",
        "b",
        "Physical access control",
        "Badge and PIN at the Geneva and Zürich datacentres; visitors escorted and logged.",
        OPS,
        [],
        365,
        150,
    ),
    (
        "tom-b-mail-filtering",
        "b",
        "Mail filtering",
        "Inbound malware and phishing filtering; outbound rate limits against abuse.",
        SECURITY,
        ["Mail"],
        365,
        90,
    ),
    (
        "tom-c-backups",
        "c",
        "Daily backups with offsite copy",
        "Nightly backups kept 30 days, copied to the second Swiss site.",
        OPS,
        ["Backup", "Web hosting", "Managed databases"],
        180,
        30,
    ),
    (
        "tom-c-restore-drill",
        "c",
        "Restore drills",
        "A restore of a sample of customer data every quarter, timed against the RTO.",
        OPS,
        [],
        90,
        -5,
    ),
    (
        "tom-c-dr-plan",
        "c",
        "Disaster recovery plan",
        "Failover of each service to the second Swiss site, rehearsed yearly.",
        DPO,
        [],
        365,
        240,
    ),
    (
        "tom-d-pentest",
        "d",
        "Yearly intrusion test",
        "An external intrusion test of every service each year; findings tracked to closure.",
        SECURITY,
        [],
        365,
        100,
    ),
    (
        "tom-d-patching",
        "d",
        "Security update review",
        "Time-to-patch by severity measured monthly against the service levels.",
        SECURITY,
        [],
        30,
        20,
    ),
]

# (service or None for every service, topic, the customer's part, the provider's part)
MATRIX = [
    (
        None,
        "Content and lawfulness",
        "What you store and process, its legal basis and your data subjects' information.",
        "Processing only on your documented instructions (GDPR Art. 28(3)(a)).",
    ),
    (
        None,
        "Data subject requests",
        "Answering your data subjects within the legal deadline.",
        "Forwarding requests we receive and helping you answer them (Art. 28(3)(e)).",
    ),
    (
        None,
        "Breaches",
        "Deciding whether to notify the authority and your data subjects.",
        "Telling you without undue delay, with the Art. 33(3) details (Art. 33(2)).",
    ),
    (
        "Web hosting",
        "Application security",
        "Keeping your CMS, plugins and code up to date.",
        "Patching the operating system, web server and PHP runtimes.",
    ),
    (
        "Cloud servers",
        "Server administration",
        "The operating system and everything installed on your servers.",
        "The hypervisor, the network and the physical hosts.",
    ),
    (
        "Managed databases",
        "Database access",
        "Database users, their passwords and the queries you run.",
        "Engine updates, replication and encrypted storage.",
    ),
    (
        "Mail",
        "Mailbox security",
        "Strong passwords and who gets a mailbox.",
        "Filtering, encryption in transit and rate-limiting logins.",
    ),
    (
        "Backup",
        "Backups and restores",
        "Choosing what to back up and asking for restores.",
        "Running backups, keeping them encrypted and restoring on request.",
    ),
]

ACTIVITIES = [
    {
        "name": "Customer accounts and contracts",
        "purposes": "Concluding and performing hosting contracts.",
        "data_subject_categories": "Customers' contact persons",
        "personal_data_categories": "Name, e-mail, phone, postal address, contract data",
        "recipients": "Accounting firm (CH)",
        "transfers": "",
        "retention": "10 years after the end of the contract (Swiss CO Art. 958f)",
        "measures": "See the TOMs catalogue: access control, encryption at rest.",
        "position": 1,
    },
    {
        "name": "Billing and payments",
        "purposes": "Invoicing and collecting payments.",
        "data_subject_categories": "Customers' billing contacts",
        "personal_data_categories": "Name, billing address, invoices, payment references",
        "recipients": "Swiss bank; payment provider (CH)",
        "transfers": "",
        "retention": "10 years (Swiss CO Art. 958f)",
        "measures": "Access limited to finance; encrypted storage.",
        "position": 2,
    },
    {
        "name": "Support requests",
        "purposes": "Answering customers' support tickets.",
        "data_subject_categories": "Customers' staff",
        "personal_data_categories": "Name, e-mail, ticket contents",
        "recipients": "Helvetic Ticketdesk AG (CH), sub-processor",
        "transfers": "",
        "retention": "3 years after the ticket is closed",
        "measures": "Ticketdesk under a DPA; access by role.",
        "position": 3,
    },
    {
        "name": "Security logging",
        "purposes": "Detecting and investigating attacks on the platform.",
        "data_subject_categories": "Visitors of customer sites; customers' staff",
        "personal_data_categories": "IP addresses, timestamps, request lines",
        "recipients": "",
        "transfers": "",
        "retention": "90 days",
        "measures": "Logs in Switzerland, access by security only.",
        "position": 4,
    },
    {
        "name": "Newsletter",
        "purposes": "Telling customers about service changes and offers (opt-in).",
        "data_subject_categories": "Subscribed customer contacts",
        "personal_data_categories": "E-mail, language, subscription date",
        "recipients": "E-mail delivery service (US)",
        "transfers": "United States: SCC with the Swiss addendum",
        "retention": "Until unsubscription",
        "measures": "Double opt-in; unsubscribe link in every message.",
        "position": 5,
    },
]


def load_demo_records(actor: SystemActor) -> str:
    """Idempotent: does nothing when the catalogue already has measures."""
    if TechnicalMeasure.objects.exists():
        return "records: measures already present; nothing to do"
    owners = {u.email: u for u in User.objects.filter(email__in=[DPO, SECURITY, OPS])}
    services = {s.name: s for s in Service.objects.all()}
    for name, texts in SERVICES_I18N.items():  # the services the inventory import created, in FR/DE/IT
        if name in services:
            services[name] = service_texts_update(
                actor=actor,
                service=services[name],
                name_i18n=texts["name"],  # type: ignore[arg-type]
                description=texts["description"],  # type: ignore[arg-type]
                description_i18n=texts["description_i18n"],  # type: ignore[arg-type]
            )
    today = timezone.localdate()
    for ref, area, title, description, owner, names, every, next_in in MEASURES:
        measure_create(
            actor=actor,
            ref=ref,
            area=area,
            title=title,
            description=description,
            owner=owners[owner],
            review_every_days=every,
            next_review_on=today + dt.timedelta(days=next_in),
            services=[services[name] for name in names if name in services],
            title_i18n=MEASURES_I18N[ref]["title"],
            description_i18n=MEASURES_I18N[ref]["description"],
        )
    lines = 0
    for position, (service, topic, customer_part, provider_part) in enumerate(MATRIX):
        if service is not None and service not in services:
            continue
        responsibility_create(
            actor=actor,
            service=services[service] if service else None,
            topic=topic,
            customer_part=customer_part,
            provider_part=provider_part,
            position=position,
            topic_i18n=MATRIX_I18N[topic]["topic"],
            customer_part_i18n=MATRIX_I18N[topic]["customer_part"],
            provider_part_i18n=MATRIX_I18N[topic]["provider_part"],
        )
        lines += 1
    if not ProcessingActivity.objects.exists():
        for activity in ACTIVITIES:
            activity_create(actor=actor, **activity)
    return f"records: {len(MEASURES)} measures (2 overdue), {lines} matrix lines, {len(ACTIVITIES)} own activities"

"""The demo's controls and their year of evidence (S2; docs/evidence.md).

The demo's TOMs become controls (Swiss and ISO/IEC 27001:2022 Annex A references, their evidence
collectors), four organisational controls join them for what art28's other modules prove (residency,
breach response, sub-processor oversight, data subject requests), and one does not apply. The measures'
reviews of the past year are recorded on their days, a person uploads two reports, and then the real
collectors run over the demo's history: the evidence of a year, each item dated when it was true.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from art28.core.audit import SystemActor
from art28.core.models import User
from art28.core.signing import SigningKeyMissing, load_private_key
from art28.evidence.collection import evidence_collect
from art28.evidence.reminders import reminders_send
from art28.evidence.selectors import control_statuses, status_counts
from art28.evidence.services import evidence_upload
from art28.records.controls import control_set
from art28.records.models import TechnicalMeasure
from art28.records.services import measure_create, measure_review

DPO, SECURITY, OPS = "dpo@example-hosting.ch", "security@example-hosting.ch", "ops@example-hosting.ch"

# ref → (area, owner, review every (days), next review in (days), title and description per language)
NEW_MEASURES: dict[str, tuple[str, str, int, int, dict[str, tuple[str, str]]]] = {
    "tom-b-data-residency": ("b", DPO, 365, 150, {
        "en": ("Data residency", "Customer data stays in our Swiss datacenters; a weekly audit checks every "
               "placement and flow against each customer's allowed countries."),
        "fr": ("Localisation des données", "Les données des clients restent dans nos centres de données suisses ; "
               "un audit hebdomadaire vérifie chaque emplacement et chaque flux."),
        "de": ("Datenstandort", "Kundendaten bleiben in unseren Schweizer Rechenzentren; ein wöchentliches Audit "
               "prüft jeden Speicherort und jeden Datenfluss."),
        "it": ("Ubicazione dei dati", "I dati dei clienti restano nei nostri centri dati svizzeri; un audit "
               "settimanale verifica ogni ubicazione e ogni flusso."),
    }),
    "tom-c-incident-response": ("c", SECURITY, 365, 90, {
        "en": ("Incident response", "A declared breach is scoped from the inventory and every affected customer "
               "is told within our 24-hour commitment."),
        "fr": ("Réponse aux incidents", "Une violation déclarée est délimitée à partir de l'inventaire et chaque "
               "client concerné est informé dans notre engagement de 24 heures."),
        "de": ("Reaktion auf Vorfälle", "Eine gemeldete Verletzung wird anhand des Inventars eingegrenzt, und jeder "
               "betroffene Kunde wird innerhalb unserer 24-Stunden-Zusage informiert."),
        "it": ("Risposta agli incidenti", "Una violazione dichiarata viene delimitata dall'inventario e ogni "
               "cliente interessato è informato entro il nostro impegno di 24 ore."),
    }),
    "tom-b-subprocessor-oversight": ("b", DPO, 365, 200, {
        "en": ("Sub-processor oversight", "Each sub-processor is bound by the same obligations; changes are "
               "announced ahead with each contract's notice period."),
        "fr": ("Surveillance des sous-traitants", "Chaque sous-traitant est lié par les mêmes obligations ; les "
               "changements sont annoncés avec le préavis de chaque contrat."),
        "de": ("Aufsicht über Unterauftragsbearbeiter", "Jeder Unterauftragsbearbeiter ist an dieselben Pflichten "
               "gebunden; Änderungen werden mit der Frist jedes Vertrags angekündigt."),
        "it": ("Vigilanza sui subincaricati", "Ogni subincaricato è vincolato dagli stessi obblighi; le modifiche "
               "sono annunciate con il preavviso di ogni contratto."),
    }),
    "tom-d-data-subject-requests": ("d", DPO, 365, 100, {
        "en": ("Data subject requests", "Requests reaching us are forwarded to the right customer and handled "
               "within the legal deadline."),
        "fr": ("Demandes des personnes concernées", "Les demandes qui nous parviennent sont transmises au bon "
               "client et traitées dans le délai légal."),
        "de": ("Anfragen betroffener Personen", "Anfragen, die uns erreichen, werden an den richtigen Kunden "
               "weitergeleitet und innerhalb der gesetzlichen Frist bearbeitet."),
        "it": ("Richieste degli interessati", "Le richieste che ci giungono sono inoltrate al cliente giusto e "
               "trattate entro il termine legale."),
    }),
    "tom-b-paper-records": ("b", DPO, 365, 300, {
        "en": ("Paper records", "Printed customer data is kept in locked cabinets and shredded."),
        "fr": ("Documents papier", "Les données clients imprimées sont gardées sous clé et détruites."),
        "de": ("Papierakten", "Ausgedruckte Kundendaten werden verschlossen aufbewahrt und vernichtet."),
        "it": ("Documenti cartacei", "I dati dei clienti stampati sono custoditi sotto chiave e distrutti."),
    }),
}  # fmt: skip

# ref → (nFADP/DSV references, ISO/IEC 27001:2022 Annex A ids, evidence collectors)
CONTROLS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "tom-a-disk-encryption": (["nFADP 8", "DSV 3(1)(a)"], ["A.8.24"], []),
    "tom-a-tls": (["nFADP 8", "DSV 3(1)(a)"], ["A.8.20", "A.8.24"], []),
    "tom-a-backup-encryption": (["DSV 3(1)(a)"], ["A.8.13", "A.8.24"], []),
    "tom-b-access-control": (["DSV 3(1)(b)"], ["A.5.15", "A.5.18", "A.8.2"], []),
    "tom-b-tenant-isolation": (["DSV 3(1)(b)"], ["A.8.22"], ["assurance.isolation_run"]),
    "tom-b-physical-access": (["DSV 3(1)(b)"], ["A.7.1", "A.7.2"], []),
    "tom-b-mail-filtering": (["DSV 3(1)(b)"], ["A.8.23"], []),
    "tom-c-backups": (["DSV 3(1)(c)"], ["A.8.13"], []),
    "tom-c-restore-drill": (["DSV 3(1)(c)"], ["A.5.30", "A.8.13"], []),
    "tom-c-dr-plan": (["DSV 3(1)(c)"], ["A.5.29", "A.5.30"], []),
    "tom-d-pentest": (["DSV 3(1)(d)"], ["A.8.8", "A.8.29"], ["assurance.intrusion_test",
                                                              "assurance.finding_remediation"]),
    "tom-d-patching": (["DSV 3(1)(d)"], ["A.8.8"], ["patching.service_levels"]),
    "tom-b-data-residency": (["nFADP 16"], ["A.5.34"], ["residency.audit", "residency.attestation"]),
    "tom-c-incident-response": (["nFADP 24", "DSV 15"], ["A.5.24", "A.5.26"], ["breaches.notification"]),
    "tom-b-subprocessor-oversight": (["nFADP 9", "DSV 7"], ["A.5.19", "A.5.20"], ["subprocessors.change"]),
    "tom-d-data-subject-requests": (["nFADP 25"], ["A.5.34"], ["dpo.request"]),
    "tom-b-paper-records": (["DSV 3(1)(b)"], ["A.7.7", "A.7.14"], []),
}  # fmt: skip
NOT_APPLICABLE = {"tom-b-paper-records": "No customer data is ever printed: every process is digital."}


def _create_measures(actor: SystemActor, owners: dict[str, User], today: dt.date) -> None:
    for ref, (area, owner, every, next_in, texts) in NEW_MEASURES.items():
        if TechnicalMeasure.objects.filter(ref=ref).exists():
            continue
        measure_create(
            actor=actor,
            ref=ref,
            area=area,
            title=texts["en"][0],
            description=texts["en"][1],
            owner=owners[owner],
            review_every_days=every,
            next_review_on=today + dt.timedelta(days=next_in),
            title_i18n={lang: texts[lang][0] for lang in ("fr", "de", "it")},
            description_i18n={lang: texts[lang][1] for lang in ("fr", "de", "it")},
        )


def _review_history(actor: User, today: dt.date) -> None:
    """Each measure's last review on the day that puts its next review where the demo has it (reviewing
    does not move the demo's due days; an overdue measure stays overdue)."""
    for measure in TechnicalMeasure.objects.filter(active=True).order_by("ref"):
        reviewed_on = measure.next_review_on - dt.timedelta(days=measure.review_every_days)
        if reviewed_on <= today:
            measure_review(actor=actor, measure=measure, on=reviewed_on, note="Reviewed at the yearly meeting.")


def load_demo_controls(actor: SystemActor) -> str:
    """The catalogue as controls, before any DPA is accepted: the DPA annexes the measures (Art. 28(3)(c)),
    so a control added or set aside after a countersignature would change the text the customer signed."""
    owners = {u.email: u for u in User.objects.filter(email__in=[DPO, SECURITY, OPS])}
    if len(owners) < 3 or not TechnicalMeasure.objects.exists():
        return "controls: skipped (the demo's staff and measures are needed)"
    _create_measures(actor, owners, timezone.localdate())
    measures = {m.ref: m for m in TechnicalMeasure.objects.all()}
    for ref, (nfadp, iso, sources) in CONTROLS.items():
        if ref in measures:
            control_set(actor=owners[DPO], measure=measures[ref], nfadp_refs=nfadp, iso_refs=iso,
                        applicable=ref not in NOT_APPLICABLE, applicability_reason=NOT_APPLICABLE.get(ref, ""),
                        evidence_sources=sources)  # fmt: skip
    return f"controls: {len(measures)} (one not applicable), mapped to nFADP/DSV and ISO/IEC 27001 Annex A"


def load_demo_evidence(actor: SystemActor) -> str:
    owners = {u.email: u for u in User.objects.filter(email__in=[DPO, SECURITY, OPS])}
    if len(owners) < 3 or not TechnicalMeasure.objects.exists():
        return "evidence: skipped (the demo's staff and measures are needed)"
    today = timezone.localdate()
    _review_history(owners[DPO], today)
    measures = {m.ref: m for m in TechnicalMeasure.objects.all()}
    uploads = [
        ("Restore drill: a customer's database restored from backup in 42 minutes", "tom-c-restore-drill", 60, 305),
        ("Disaster-recovery tabletop exercise", "tom-c-dr-plan", 400, 365),  # expired: the control is stale
        ("Badge system export reviewed by the site manager", "tom-b-physical-access", 20, 90),
    ]
    for title, ref, days_ago, valid_days in uploads:
        if ref in measures:
            day = today - dt.timedelta(days=days_ago)
            evidence_upload(actor=owners[SECURITY], controls=[measures[ref]], title=title, effective_on=day,
                            valid_until=day + dt.timedelta(days=valid_days),
                            content=_report_pdf(title, day), name=f"{ref}-{day:%Y-%m-%d}.pdf")  # fmt: skip
    attestations = _demo_attestations(actor)
    report = evidence_collect(actor=actor)
    reminded = reminders_send(actor=actor, today=today)  # as the nightly task does after collecting
    counts = status_counts(control_statuses(today=today))
    errors = f", {len(report.errors)} collector error(s)" if report.errors else ""
    summary = ", ".join(f"{n} {status}" for status, n in counts.items())
    return (
        f"evidence: {report.created} items collected over the past year ({attestations} signed attestations)"
        f"{errors}; controls {summary}; {reminded.count} reminder(s) to {len(reminded.sent)} owner(s)"
    )


def _demo_attestations(actor: SystemActor) -> int:
    """The demo customers' signed attestations (each is its own evidence, signed document included), when
    the attestation key exists (`make demo` creates it)."""
    from art28.demo.logins import CUSTOMER_EMAILS
    from art28.residency.services import attestation_issue

    try:
        load_private_key()
    except SigningKeyMissing:
        return 0
    organisations = {u.organisation for u in User.objects.filter(email__in=CUSTOMER_EMAILS).select_related(
        "organisation") if u.organisation is not None}  # fmt: skip
    for organisation in sorted(organisations, key=lambda o: o.ref):
        attestation_issue(actor=actor, organisation=organisation)
    return len(organisations)


def _report_pdf(title: str, day: dt.date) -> bytes:
    """A small real PDF standing for the report a person uploads (WeasyPrint, as every PDF of art28)."""
    from weasyprint import HTML

    html = f"<h1>DEMO (not a real report)</h1><p>{title}</p><p>{day:%Y-%m-%d}</p>"
    return bytes(HTML(string=html).write_pdf())

"""`art28 load-demo`: the fictional Swiss provider, loaded through the real importer."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from art28.core.audit import SystemActor, verify_chain
from art28.core.glossary import GlossaryTexts
from art28.core.models import Organisation, User
from art28.core.roles import STAFF_ROLES, Role
from art28.core.selectors import security_txt_state
from art28.demo.generator import SUBJECT_CATEGORIES
from art28.inventory.models import Site
from art28.notify.models import Message
from art28.residency.engine import FLOW_OUTSIDE, SUBPROCESSOR_OUTSIDE, SUBPROCESSOR_UNAUTHORISED, run_audit
from art28.subprocessors.changes import change_announce
from art28.subprocessors.models import Change, ChangeStatus, Contract, SubProcessor
from art28.subprocessors.selectors import agreements_in_place, open_objections

pytestmark = pytest.mark.django_db


def _load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_the_demo_provider_has_swiss_sites_a_frankfurt_colocation_and_the_misconfigured_backup():
    output = _load("--customers", "80")

    sites = {site.code: site for site in Site.objects.all()}
    assert {code for code, site in sites.items() if site.country == "CH"} == {"GVA1", "GVA2", "ZRH1"}
    assert sites["FRA1"].country == "DE" and sites["FRA1"].operator  # a colocation company's cage
    assert Organisation.objects.count() == 80
    assert {o.language for o in Organisation.objects.all()} >= {"fr", "de", "it"}

    # The residency audit finds the Zurich backup set copied to Frankfurt, for customers whose data
    # is on the two misrouted Geneva racks; the demo customer user belongs to one of them.
    flow_findings = [v for v in run_audit() if v.reason == FLOW_OUTSIDE]
    assert flow_findings and {v.destination for v in flow_findings} == {"BK-FRA1-01"}
    assert {v.country for v in flow_findings} == {"DE"}
    demo_customer = User.objects.get(email="customer@example.org")
    assert demo_customer.organisation.ref in {v.customer for v in flow_findings}

    assert {u.role for u in User.objects.filter(organisation__isnull=True)} == set(STAFF_ROLES)
    assert User.objects.filter(role=Role.CUSTOMER_VIEWER).exists()
    assert "art28-demo-password" in output and "customer@example.org" in output
    assert verify_chain().ok
    # RFC 9116 §2.5.5: the demo publishes security.txt with an expiry half a year ahead, for staff to renew.
    assert security_txt_state().status == "valid" and "security.txt published" in output

    # A breach at the Frankfurt cage was declared and notified: the demo customer, whose backups were
    # copied there, has the first notice in its portal inbox, waiting for acknowledgement.
    notice = Message.objects.get(organisation=demo_customer.organisation, topic="breach.notice")
    assert notice.requires_ack and notice.acknowledged_at is None
    assert "INC-" in notice.subject
    # GDPR Art. 33(3)(a), DSV Art. 15(1)(d): the notice names whose data it is, from the demo's placements.
    subject_categories = notice.payload["impact"]["subject_categories"]
    assert "customers" in subject_categories and set(subject_categories) <= {
        category for categories in SUBJECT_CATEGORIES.values() for category in categories
    }
    # … in the customer's language, from the demo's glossary of data categories (core.glossary).
    language = notice.language
    assert GlossaryTexts().text(subject_categories, "subjects", language) in notice.body_text
    breach_notices = Message.objects.filter(topic="breach.notice")
    assert not breach_notices.filter(organisation__ref__in=clean_refs(flow_findings)).exists()


def test_the_demo_has_sub_processors_a_chain_and_an_announced_change_with_an_objection():
    """S4: the Frankfurt colocation operator runs FRA1; the US e-mail service (SCC) is a residency finding for
    the Mail customers; a change is announced and the demo customer objected (GDPR Art. 28(2))."""
    _load("--customers", "80")
    colo = SubProcessor.objects.get(slug="mainhattan-colocation")
    assert [s.code for s in colo.sites.all()] == ["FRA1"] and colo.country_list == ["DE"]
    assert SubProcessor.objects.get(slug="alpine-cloud").engaged_by.slug == "helvetic-ticketdesk"
    assert "SCC" in SubProcessor.objects.get(slug="inboxly").transfer_safeguard.replace(
        "Standard contractual clauses", "SCC"
    )

    findings = [v for v in run_audit() if v.reason == SUBPROCESSOR_OUTSIDE]
    assert findings and {(v.destination, v.country) for v in findings} == {("inboxly", "US")}

    change = Change.objects.get(subprocessor__slug="loglake")
    assert change.status == ChangeStatus.ANNOUNCED and change.effective_on > timezone.localdate()
    demo_customer = User.objects.get(email="customer@example.org")
    objection = change.recipients.get(organisation=demo_customer.organisation)
    assert objection.objected_at and "Switzerland" in objection.objection_reason
    assert [r.organisation_id for r in open_objections()] == [demo_customer.organisation_id]
    told = Message.objects.filter(topic="subprocessor.change", source_id=change.pk)
    assert told.count() == change.recipients.count() > 1
    assert told.filter(organisation=demo_customer.organisation).count() == 1
    assert verify_chain().ok


def test_the_demo_binds_every_sub_processor_in_use_or_announced_by_a_flow_down_agreement(client):
    """GDPR Art. 28(4), nFADP Art. 9(3): each sub-processor in use or announced has a complete agreement in
    place; Archivio Ticino's leaves out (d) and (h), so the draft that would add it cannot be announced, and
    its staff page and the draft's say so."""
    _load("--customers", "40")
    in_place = agreements_in_place(SubProcessor.objects.values_list("pk", flat=True))
    bound = set(SubProcessor.objects.filter(pk__in=in_place).values_list("slug", flat=True))
    used_or_announced = SubProcessor.objects.filter(
        Q(in_use_from__isnull=False) | Q(changes__announced_at__isnull=False)
    )
    assert set(used_or_announced.values_list("slug", flat=True)) <= bound
    assert bound == {
        "mainhattan-colocation", "helvetic-ticketdesk", "alpine-cloud", "inboxly", "loglake"
    }  # fmt: skip
    waiting = Change.objects.get(subprocessor__slug="archivio-ticino")
    assert waiting.status == ChangeStatus.DRAFT
    with pytest.raises(ValidationError, match=r"missing: \(d\) .*; \(h\) information and audits"):
        change_announce(actor=SystemActor("test"), change=waiting)

    client.force_login(User.objects.get(email="dpo@example-hosting.ch"))
    page = client.get("/staff/subprocessors/archivio-ticino/").content.decode()
    assert "is incomplete: it does not count as in place" in page and "(h) information and audits" in page
    page = client.get(f"/staff/subprocessors/changes/{waiting.pk}/").content.decode()
    assert "this change cannot be announced until" in page
    trust = client.get("/en/trust/").content.decode()
    assert trust.count("Agreement in place since") == 4 + 1  # four in use, and Loglake's upcoming change
    assert "sub-processing-agreement" not in trust  # the documents' names stay with staff
    assert verify_chain().ok


def test_the_demo_customers_authorised_sub_processors_in_writing_but_two(client):
    """GDPR Art. 28(2), nFADP Art. 9(3), DSV Art. 7: the demo customer's administrator countersigned the DPA
    (its front matter grants a general authorisation, 30 days), the others' paper DPAs are recorded, and
    two web hosting customers have none: the audit finds the support desk and its host on their data, the
    dashboard lists them, and the announced change is told to them but never applies to them."""
    from art28.legal.dpa import dpa_for

    _load("--customers", "80")
    demo_customer = User.objects.get(email="customer@example.org")
    contract = Contract.objects.get(organisation=demo_customer.organisation)
    assert (contract.source, contract.authorisation, contract.notice_days) == ("dpa-acceptance", "general", 30)
    assert contract.evidence_sha256 == contract.acceptance.evidence_sha256 == dpa_for(demo_customer.organisation).sha256

    without = set(Organisation.objects.filter(contract__isnull=True).values_list("ref", flat=True))
    assert len(without) == 2 and Contract.objects.count() == 78
    findings = [v for v in run_audit() if v.reason == SUBPROCESSOR_UNAUTHORISED]
    assert {v.customer for v in findings} == without
    assert {v.destination for v in findings} >= {"helvetic-ticketdesk", "alpine-cloud"}  # the chain, Art. 28(4)

    change = Change.objects.get(subprocessor__slug="loglake")
    told = change.recipients.filter(organisation__ref__in=without)
    assert told.count() == 2 and {r.authorisation for r in told} == {"none"}

    client.force_login(User.objects.get(email="dpo@example-hosting.ch"))
    html = client.get("/staff/").content.decode()
    assert all(ref in html for ref in without) and "no recorded authorisation" in html
    assert verify_chain().ok


def clean_refs(flow_findings) -> set[str]:
    """Customers with no data copied to Frankfurt and none stored there."""
    touched = {v.customer for v in flow_findings}
    return set(Organisation.objects.exclude(ref__in=touched).values_list("ref", flat=True))


def test_loading_again_with_if_empty_changes_nothing():
    _load("--customers", "20")
    counts = (Organisation.objects.count(), User.objects.count())

    output = _load("--if-empty")

    assert "already loaded" in output
    assert (Organisation.objects.count(), User.objects.count()) == counts


def test_the_demo_content_is_in_french_german_and_italian_but_one_text():
    """Issue 11 item 2: every demo purpose, safeguard, service, measure, matrix line and the DPO's text has
    FR/DE/IT, except Alpine Cloud's purpose in Italian (left out so the marker shows), German without ß."""
    from art28.core.dpo import dpo_profile
    from art28.core.translated import missing_languages
    from art28.inventory.models import Service
    from art28.records.models import Responsibility, TechnicalMeasure

    _load("--customers", "40")
    rows = [
        *((sp, ("purpose", "transfer_safeguard")) for sp in SubProcessor.objects.all()),
        *((service, ("name", "description")) for service in Service.objects.all()),
        *((measure, ("title", "description")) for measure in TechnicalMeasure.objects.all()),
        *((line, ("topic", "customer_part", "provider_part")) for line in Responsibility.objects.all()),
        (dpo_profile(), ("introduction",)),
    ]
    gaps = {str(obj): missing_languages(obj, fields) for obj, fields in rows if missing_languages(obj, fields)}
    assert gaps == {"Alpine Cloud AG": ["it"]}
    assert Service.objects.count() >= 5 and TechnicalMeasure.objects.count() == 17  # 12 TOMs, 5 controls
    texts = [text for obj, fields in rows for name in fields for text in getattr(obj, f"{name}_i18n").values()]
    assert not [text for text in texts if "ß" in text]
    assert "Datenschutzberater" in dpo_profile().introduction_i18n["de"]


def test_the_demo_has_a_year_of_security_updates_and_the_demo_customer_sees_an_overdue_critical_fix(client):
    """S7: the demo fleet's history goes through the real importers; every severity has figures, the
    never-affected advisory exposes nobody, and one host holding the demo customer's data lags behind."""
    from art28.patching.exposure import iter_exposures
    from art28.patching.figures import patch_record

    _load("--customers", "40")
    record = patch_record()
    assert all(figures.count for figures in record["severities"])
    assert len(record["months"]) >= 10
    exposures = list(iter_exposures())
    assert "CVE-2026-99113" not in {e.cve for e in exposures}  # fixed_version 0: bookworm never affected
    assert any(e.fixed is None for e in exposures)  # the open advisory

    client.force_login(User.objects.get(email="customer@example.org"))
    html = client.get("/portal/security-updates/").content.decode()
    assert "CVE-2026-99111" in html and 'role="alert"' in html
    assert verify_chain().ok


def test_the_demo_has_a_yearly_intrusion_test_for_every_service_but_mail_and_findings_in_every_status():
    """S6: through pentest_import; the overdue service is the only thing assurance-status reports."""
    from art28.assurance.models import Retest
    from art28.assurance.pentest_selectors import cadence_statuses, finding_records

    _load("--customers", "40")
    today = timezone.localdate()
    overdue = [c.service for c in cadence_statuses() if c.overdue(today)]
    assert overdue == ["Mail"]
    assert {r.status for r in finding_records()} == {"open", "fixed", "risk-accepted", "false-positive"}
    assert Retest.objects.exists()
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("assurance_status", stdout=out)
    assert out.getvalue().startswith("OVERDUE  Mail: last intrusion test completed") and out.getvalue().count("\n") == 1

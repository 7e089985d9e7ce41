"""One world for the role-table tests: the demo provider (``art28 load-demo``) with a user of every staff
role and two customers of two organisations, plus what the demo lacks for every page to have a real object
(an attestation, an inbox message and a DPO request of each organisation, a failing delivery)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command
from django.test import Client

from art28.core.access import ANONYMOUS
from art28.core.models import Organisation, User
from art28.core.roles import Role
from art28.core.services import api_token_create
from tests.conftest import TEST_ACTOR, logged_in

# The matrix's callers: each staff role, two customer administrators of two organisations and a customer
# viewer of the first, and the public.
CUSTOMER_A = "customer_a"
VIEWER_A = "viewer_a"
CUSTOMER_B = "customer_b"
CALLERS = [str(r) for r in (Role.ADMIN, Role.DPO, Role.SECURITY, Role.OPERATIONS, Role.AUDITOR)] + [
    CUSTOMER_A,
    VIEWER_A,
    CUSTOMER_B,
    ANONYMOUS,
]
DEMO_USERS = {
    Role.ADMIN: "admin@example-hosting.ch",
    Role.DPO: "dpo@example-hosting.ch",
    Role.SECURITY: "security@example-hosting.ch",
    Role.OPERATIONS: "ops@example-hosting.ch",
    Role.AUDITOR: "auditor@example-hosting.ch",
    CUSTOMER_A: "customer@example.org",
    VIEWER_A: "viewer@example.org",
    CUSTOMER_B: "compliant@example.org",
}


def role_of(caller: str) -> str:
    """The role a caller holds in the role table."""
    return {CUSTOMER_A: Role.CUSTOMER_ADMIN, VIEWER_A: Role.CUSTOMER_VIEWER, CUSTOMER_B: Role.CUSTOMER_ADMIN}.get(
        caller, caller
    )


@dataclass
class World:
    users: dict[str, User]
    pages: dict[str, Client]  # caller → a client logged in on the pages
    api: dict[str, Client]  # caller → a client holding the caller's API token
    org_a: Organisation
    org_b: Organisation
    # URL name / operation id → path values naming organisation A's object (a customer's own object for
    # the customer URLs), and organisation B's object where the URL names a customer's object.
    url_kwargs: dict[str, dict[str, Any]] = field(default_factory=dict)
    url_kwargs_b: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The URL names of url_kwargs_b that answer GET (the others only POST).
    readable_b: frozenset[str] = frozenset(
        {
            "portal:attestation_json",
            "portal:attestation_pdf",
            "portal:inbox_message",
            "portal:request",
            "portal:subprocessor_change",
            "portal:end_of_contract_case",
            "portal:deletion_certificate",
            "portal:audit",
            "portal:dpia_pack",
        }
    )
    op_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    op_params_b: dict[str, dict[str, Any]] = field(default_factory=dict)


def build_world() -> World:
    from art28.assurance.services import certification_create, trust_profile_update
    from art28.breaches.models import Notice
    from art28.dpo.models import Request
    from art28.dpo.services import request_forward, request_submit
    from art28.evidence.improvement import corrective_action_add, nonconformity_raise, nonconformity_root_cause_set
    from art28.evidence.packs import pack_request
    from art28.evidence.services import evidence_upload
    from art28.inventory.models import Service
    from art28.legal.models import Cookie, DocumentVersion
    from art28.notify.mail import ack_token
    from art28.notify.models import Delivery, Message, Subscriber
    from art28.notify.selectors import inbox_for_organisation
    from art28.records.models import ProcessingActivity, Responsibility, TechnicalMeasure
    from art28.residency.services import attestation_issue
    from art28.subprocessors.models import ChangeRecipient, FlowDownAgreement, SubProcessor

    call_command("load_demo", "--customers", "12", stdout=io.StringIO())
    users = {str(k): User.objects.get(email=v) for k, v in DEMO_USERS.items()}
    org_a, org_b = users[CUSTOMER_A].organisation, users[CUSTOMER_B].organisation
    assert org_a is not None and org_b is not None and org_a != org_b

    pages = {caller: logged_in(user) for caller, user in users.items()} | {ANONYMOUS: Client()}
    api = {}
    for caller, user in users.items():
        _, secret = api_token_create(actor=TEST_ACTOR, user=user, name="role table")
        api[caller] = Client(headers={"Authorization": f"Bearer {secret}"})
    api[ANONYMOUS] = Client()

    attestation = {o: attestation_issue(actor=TEST_ACTOR, organisation=o) for o in (org_a, org_b)}
    for org, email in ((org_a, "a-requester@example.net"), (org_b, "b-requester@example.net")):
        if not Request.objects.filter(organisation=org, forwarded_at__isnull=False).exists():
            filed = request_submit(
                kind="access",
                name="Petra Muster",
                email=email,
                country="CH",
                language="de",
                message="Welche Daten haben Sie über mich?",
                concerns=org.name,
                controller_kind="customer",
            )
            request_forward(actor=users[str(Role.DPO)], request=filed, organisation=org)
    forwarded = Request.objects.filter(forwarded_at__isnull=False)
    dpo_request = {o: forwarded.filter(organisation=o).first() for o in (org_a, org_b)}
    inbox = {o: inbox_for_organisation(o).first() for o in (org_a, org_b)}
    change_a = ChangeRecipient.objects.filter(organisation=org_a).select_related("change").first()
    assert change_a is not None and all(inbox.values()) and all(dpo_request.values())
    own_change = {o: _change_told_only_to(change_a.change, o) for o in (org_a, org_b)}
    notice = Notice.objects.select_related("incident").first()
    version = DocumentVersion.objects.select_related("document").order_by("pk").first()
    dpa_version = DocumentVersion.objects.filter(status="published").select_related("document").first()
    message = Message.objects.filter(organisation=org_a).first()
    delivery = Delivery.objects.first()
    subscriber = Subscriber.objects.create(email="reader@example.net", token="t" * 40)
    assert notice and version and dpa_version and message and delivery
    measure = TechnicalMeasure.objects.order_by("ref").first()
    assert measure is not None
    evidence = evidence_upload(actor=users[str(Role.DPO)], controls=[measure], title="Fire drill report",
                               effective_on=dt.date(2026, 11, 2), valid_until=dt.date(2027, 11, 2),
                               content=b"%PDF-1.7 drill", name="drill.pdf")  # fmt: skip
    dpo = users[str(Role.DPO)]
    physical_review, physical_person = _physical(users[str(Role.SECURITY)])
    ended = {o: _ends_of_contract(o) for o in (org_a, org_b)}  # (certified, under way) per customer
    under_way = ended[org_a][1]
    audit, instruction = {}, {}
    for o in (org_a, org_b):
        audit[o], instruction[o] = _audit_and_instruction(o)
    remediation = audit[org_a].remediations.values_list("pk", flat=True)[0]
    own_service = _services_of_one(org_a, org_b)  # a service holding A's data and not B's, and one the other way
    deletion_item = under_way.items.values_list("pk", flat=True).first()
    assert deletion_item is not None, "the demo's customer A has data to delete"
    evidence_pack = pack_request(actor=dpo, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 6, 30))
    nonconformity = nonconformity_raise(
        actor=dpo, source="internal-audit", source_ref="IA-2026-1", title="Access review skipped",
        description="The Q1 review was not held.",
    )  # fmt: skip
    nonconformity_root_cause_set(actor=dpo, nonconformity=nonconformity, root_cause="No owner named for the review.")
    action = corrective_action_add(
        actor=dpo, nonconformity=nonconformity, description="Name an owner.", owner=users[str(Role.SECURITY)],
        due_on=dt.date.today() + dt.timedelta(days=30),
    )  # fmt: skip

    w = World(users=users, pages=pages, api=api, org_a=org_a, org_b=org_b)
    ref, change_id = notice.incident.ref, change_a.change_id
    slug, number = version.document.slug, version.number
    subprocessor = SubProcessor.objects.first()
    agreement = FlowDownAgreement.objects.select_related("subprocessor").order_by("pk").first()
    assert subprocessor is not None and agreement is not None
    certification = certification_create(
        actor=TEST_ACTOR,
        name="ISO/IEC 27001:2022",
        issuer="SQS",
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2099, 12, 31),
        certificate=b"%PDF-1.4\n%%EOF\n",
    )
    logo = trust_profile_update(actor=TEST_ACTOR, logo=b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    cve = _advisory_imported()
    campaign, finding_ref = _campaign_imported()
    isolation_run = _isolation_run()
    w.url_kwargs = {
        "api_token_revoke": {"token_id": 1},
        "staff:customer": {"ref": org_a.ref},
        **{f"staff:glossary_{n}": {"pk": _first("core.DataCategory", "pk")} for n in ("edit", "delete")},
        "inventory:asset": {"ref": _first("inventory.Asset", "ref")},
        "patching:host": {"ref": _first("inventory.Asset", "ref")},
        "patching:cve": {"cve": cve},
        "assurance:campaign": {"ref": campaign},
        "assurance:campaign_report": {"ref": campaign},
        "assurance:isolation_run": {"pk": isolation_run},
        **{
            f"assurance:{n}": {"ref": campaign, "finding_ref": finding_ref}
            for n in ("finding", "finding_status", "finding_retest")
        },
        "breaches:incident": {"ref": ref},
        **{f"breaches:{n}": {"ref": ref} for n in ("edit", "scope", "decide", "freeze", "phase", "assess", "lessons")},
        "breaches:notice_create": {"ref": ref},
        **{
            n: {"ref": ref, "sequence": notice.sequence}
            for n in ("breaches:notice", "breaches:notice_send", "breaches:notice_preview")
        },
        "breaches:notice_delete": {"ref": ref, "sequence": notice.sequence},
        "subprocessors:contract": {"ref": org_a.ref},
        **{
            f"subprocessors:{n}": {"change_id": change_id}
            for n in ("change", "change_edit", "change_announce", "change_withdraw", "change_discard")
        },
        "subprocessors:change_resolve": {"change_id": change_id, "organisation_id": org_a.pk},
        "subprocessors:detail": {"slug": subprocessor.slug},
        "subprocessors:edit": {"slug": subprocessor.slug},
        "subprocessors:agreement_record": {"slug": agreement.subprocessor.slug},
        "subprocessors:agreement_document": {"slug": agreement.subprocessor.slug, "agreement_id": agreement.pk},
        "staff_records_dpa": {"ref": org_a.ref},
        "records:controllers_export": {"fmt": "csv"},
        "records:own_export": {"fmt": "csv"},
        "records:activity_edit": {"pk": ProcessingActivity.objects.values_list("pk", flat=True).first()},
        "records:activity_delete": {"pk": ProcessingActivity.objects.values_list("pk", flat=True).first()},
        "records:measure": {"ref": TechnicalMeasure.objects.values_list("ref", flat=True).first()},
        "records:measure_review": {"ref": TechnicalMeasure.objects.values_list("ref", flat=True).first()},
        "records:measure_retire": {"ref": TechnicalMeasure.objects.values_list("ref", flat=True).first()},
        "records:responsibility": {"pk": Responsibility.objects.values_list("pk", flat=True).first()},
        "records:responsibility_delete": {"pk": Responsibility.objects.values_list("pk", flat=True).first()},
        "records:service": {"pk": Service.objects.values_list("pk", flat=True).first()},
        "records:controller_export": {"ref": org_a.ref, "fmt": "csv"},
        "records:controller": {"ref": org_a.ref},
        **{
            f"duties:{n}": {"reference": under_way.reference}
            for n in ("case", "certificate", "case_return", "case_certify")
        },
        **{
            f"duties:item_{n}": {"reference": under_way.reference, "item_id": deletion_item}
            for n in ("delete", "retain")
        },
        **{
            f"portal:{n}": {"public_id": ended[org_a][0].public_id}
            for n in ("end_of_contract_case", "deletion_certificate")
        },
        **{
            f"duties:{n}": {"reference": audit[org_a].reference}
            for n in ("audit", "audit_agree", "audit_offer", "audit_report")
        },
        "duties:remediation_close": {"reference": audit[org_a].reference, "item_id": remediation},
        **{
            f"duties:{n}": {"reference": instruction[org_a].reference}
            for n in ("instruction", "instruction_flag", "instruction_decide")
        },
        **{f"portal:{n}": {"public_id": audit[org_a].public_id} for n in ("audit", "audit_offer_answer")},
        "portal:instruction_answer": {"public_id": instruction[org_a].public_id},
        "portal:dpia_pack": {"service_id": own_service[org_a], "fmt": "json"},
        "physical:site": {"code": physical_review.site.code},
        "physical:person": {"ref": physical_person.ref},
        "physical:review": {"pk": physical_review.pk},
        "physical:review_decide": {
            "pk": physical_review.pk,
            "item": physical_review.items.values_list("pk", flat=True)[0],
        },
        "evidence:control": {"ref": measure.ref},
        "evidence:item": {"pk": evidence.pk},
        "evidence:item_file": {"pk": evidence.pk},
        **{f"evidence:{n}": {"pk": evidence_pack.pk} for n in ("pack", "pack_download")},
        **{
            f"evidence:nonconformity{n}": {"ref": nonconformity.ref}
            for n in ("", "_root_cause", "_action_add", "_verify")
        },
        "evidence:nonconformity_action_done": {"ref": nonconformity.ref, "pk": action.pk},
        **{
            f"dpo:{n}": {"reference": dpo_request[org_a].reference}
            for n in ("request", "assign", "note", "reply", "extend", "classify", "forward", "close")
        },
        "legal:cookie_delete": {"cookie_id": Cookie.objects.values_list("pk", flat=True).first() or 1},
        "legal:document": {"slug": slug},
        "legal:version_new": {"slug": slug},
        "legal:document_title": {"slug": slug},
        "legal:acceptances": {"slug": slug},
        **{
            f"legal:{n}": {"slug": slug, "number": number}
            for n in ("version", "version_edit", "version_publish", "version_discard")
        },
        "outbox:retry": {"public_id": delivery.public_id},
        "notify_ack:ack": {"token": ack_token(message)},
        "portal:attestation_json": {"public_id": attestation[org_a].public_id},
        "portal:attestation_pdf": {"public_id": attestation[org_a].public_id},
        "portal:inbox_message": {"public_id": inbox[org_a].public_id},
        "portal:inbox_acknowledge": {"public_id": inbox[org_a].public_id},
        **{f"portal:subprocessor_{n}": {"change_id": own_change[org_a]} for n in ("change", "object", "consent")},
        "portal:record_export": {"fmt": "csv"},
        "portal:request": {"public_id": dpo_request[org_a].public_id},
        "portal:request_answer": {"public_id": dpo_request[org_a].public_id},
        "portal:document_accept": {"slug": dpa_version.document.slug, "number": dpa_version.number},
        **{f"assurance:{n}": {"pk": certification.pk} for n in ("certification_edit", "certification_delete")},
        "assurance:certification_file": {"pk": certification.pk},
        "trust:logo": {"digest": logo.logo_sha256},
        "trust:certificate": {"pk": certification.pk, "digest": certification.certificate_sha256},
        "portal:document_version": {"slug": dpa_version.document.slug, "number": dpa_version.number},
        "trust:subscribe_confirm": {"token": "not-a-token"},
        "trust:unsubscribe": {"token": subscriber.token},
        "trust:policy": {"slug": dpa_version.document.slug},
        "trust:policy_version": {"slug": dpa_version.document.slug, "number": dpa_version.number},
        "trust:policy_history": {"slug": dpa_version.document.slug},
        "trust:policy_diff": {"slug": dpa_version.document.slug},
        "account_confirm_email": {"key": "not-a-key"},
        "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-key"},
    }
    w.url_kwargs_b = {
        "portal:attestation_json": {"public_id": attestation[org_b].public_id},
        "portal:attestation_pdf": {"public_id": attestation[org_b].public_id},
        "portal:inbox_message": {"public_id": inbox[org_b].public_id},
        "portal:request": {"public_id": dpo_request[org_b].public_id},
        "portal:inbox_acknowledge": {"public_id": inbox[org_b].public_id},
        "portal:request_answer": {"public_id": dpo_request[org_b].public_id},
        **{f"portal:subprocessor_{n}": {"change_id": own_change[org_b]} for n in ("change", "object", "consent")},
        **{
            f"portal:{n}": {"public_id": ended[org_b][0].public_id}
            for n in ("end_of_contract_case", "deletion_certificate")
        },
        **{f"portal:{n}": {"public_id": audit[org_b].public_id} for n in ("audit", "audit_offer_answer")},
        "portal:instruction_answer": {"public_id": instruction[org_b].public_id},
        "portal:dpia_pack": {"service_id": own_service[org_b], "fmt": "json"},
    }
    op = "art28_{}_api_{}".format
    w.op_params = {
        **{
            op("duties", n): {"public_id": ended[org_a][0].public_id}
            for n in ("my_end_of_contract_case", "my_deletion_certificate")
        },
        op("duties", "my_audit"): {"public_id": audit[org_a].public_id},
        op("duties", "my_dpia_pack"): {"service_id": own_service[org_a]},
        op("residency", "my_attestation_document"): {"public_id": attestation[org_a].public_id},
        op("residency", "my_attestation_pdf"): {"public_id": attestation[org_a].public_id},
        **{
            op("breaches", n): {"ref": ref}
            for n in ("get_incident", "update", "set_scope", "impact", "decide", "freeze", "phase", "assess")
        },
        op("breaches", "create_notice"): {"ref": ref},
        **{op("breaches", n): {"ref": ref, "sequence": notice.sequence} for n in ("get_notice", "edit_notice")},
        op("breaches", "send_notice"): {"ref": ref, "sequence": notice.sequence},
        **{op("subprocessors", n): {"change_id": own_change[org_a]} for n in ("my_change", "my_object", "my_consent")},
        **{
            op("subprocessors", n): {"change_id": change_id}
            for n in ("get_change", "update_change", "discard", "announce", "withdraw", "resolve", "recipients")
        },
        **{op("subprocessors", n): {"ref": org_a.ref} for n in ("get_contract", "put_contract")},
        **{
            op("subprocessors", n): {"slug": subprocessor.slug}
            for n in ("get_one", "update", "delete", "list_agreements")
        },
        op("records", "controller"): {"ref": org_a.ref},
        **{op("legal", n): {"slug": slug} for n in ("list_versions", "draft", "diff")},
        **{op("legal", n): {"slug": slug, "number": number} for n in ("get_version", "update", "publish")},
        op("legal", "customer_dpa"): {"ref": org_a.ref},
        **{
            op("dpo", n): {"reference": dpo_request[org_a].reference}
            for n in (
                "request_detail",
                "request_assign_api",
                "request_note_api",
                "request_reply_api",
                "request_extend_api",
                "request_classify_api",
                "request_forward_api",
                "request_close_api",
            )
        },
        **{op("dpo", n): {"reference": dpo_request[org_a].reference} for n in ("my_request", "my_answer")},
    }
    w.op_params_b = {
        **{
            op("duties", n): {"public_id": ended[org_b][0].public_id}
            for n in ("my_end_of_contract_case", "my_deletion_certificate")
        },
        op("duties", "my_audit"): {"public_id": audit[org_b].public_id},
        op("duties", "my_dpia_pack"): {"service_id": own_service[org_b]},
        op("residency", "my_attestation_document"): {"public_id": attestation[org_b].public_id},
        op("residency", "my_attestation_pdf"): {"public_id": attestation[org_b].public_id},
        op("dpo", "my_request"): {"reference": dpo_request[org_b].reference},
        op("dpo", "my_answer"): {"reference": dpo_request[org_b].reference},
        op("records", "controller"): {"ref": org_b.ref},
        **{op("subprocessors", n): {"change_id": own_change[org_b]} for n in ("my_change", "my_object", "my_consent")},
    }
    return w


def _change_told_only_to(change: Any, organisation: Organisation) -> int:
    """A copy of an announced change whose only recipient is ``organisation`` (the demo announces its one
    change to every customer): a change that one customer may see and the other may not."""
    from art28.subprocessors.models import Change, ChangeRecipient

    recipient = ChangeRecipient.objects.get(change=change, organisation=organisation)
    services = list(change.services.all())
    copy = Change.objects.get(pk=change.pk)
    copy.pk = None
    copy.save()
    copy.services.set(services)
    recipient.pk, recipient.change = None, copy
    recipient.save()
    return copy.pk


def _first(model: str, field_name: str) -> Any:
    from django.apps import apps

    return apps.get_model(model).objects.values_list(field_name, flat=True).order_by("pk").first()


def _advisory_imported() -> str:
    """One CVE known to art28, brought by a real tracker import (the CVE page needs one)."""
    import json
    import tempfile
    from pathlib import Path

    from art28.patching.advisories import advisories_import

    document = {"foo": {"CVE-2026-0001": {"releases": {"bookworm": {"status": "open", "urgency": "high"}}}}}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tracker.json"
        path.write_text(json.dumps(document), "utf-8")
        advisories_import(path, format="debian-tracker", actor=TEST_ACTOR)
    return "CVE-2026-0001"


def _campaign_imported() -> tuple[str, str]:
    """One intrusion-test campaign with one finding, brought by a real CSV import (their pages need one)."""
    import tempfile
    from pathlib import Path

    from art28.assurance.models import Campaign
    from art28.assurance.pentests import CampaignOptions, campaign_report_attach, pentest_import
    from art28.inventory.models import Asset

    asset = Asset.objects.filter(ended_at__isnull=True, service__isnull=False).select_related("service").first()
    assert asset is not None and asset.service is not None
    csv = (
        "ref,title,severity_vector,assets,description,recommendation\n"
        f"RT-1,Role table finding,CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N,{asset.ref},,\n"
    )
    options = CampaignOptions(service=asset.service.name, kind="external", tester="Role Table AG")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "findings.csv"
        path.write_text(csv, "utf-8")
        pentest_import("RT-2026", path, format="csv", actor=TEST_ACTOR, options=options)
    campaign = Campaign.objects.get(ref="RT-2026")
    campaign_report_attach(actor=TEST_ACTOR, campaign=campaign, content=b"%PDF-1.4\n%%EOF\n", name="report.pdf")
    return "RT-2026", "RT-1"


def _isolation_run() -> int:
    """One stored isolation run with a breach pair (its page offers breach writers a declaration)."""
    import tempfile
    from pathlib import Path

    from django.utils import timezone

    from art28.assurance.probe_suite import Pair, Probe, Suite
    from art28.assurance.probes import Met, PairResult, isolation_run_record

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "suite.yaml"
        path.write_text("suite: role-table\npairs: []\n", "utf-8")
        probe = Probe("tcp", {"host": "127.0.0.1", "port": 9})
        pair = Pair("open door", "tcp", probe, probe, "ACME", "BETA", [])
        suite = Suite("role-table", path, 1.0, [pair])
        results = [PairResult(pair, Met(True, "succeeded: connected"), Met(True, "succeeded: connected"), 0.1)]
        run = isolation_run_record(actor=TEST_ACTOR, suite=suite, results=results, started_at=timezone.now())
    return run.pk


def _physical(reviewer: User) -> tuple[Any, Any]:
    """A zone of a demo site with one authorised person, and a review of it under way (the demo's own
    physical data may change; the role table needs one of each)."""
    from art28.inventory.models import Site
    from art28.physical.models import Authorisation, Person, Zone
    from art28.physical.reviews import access_review_start

    site = Site.objects.order_by("code").first()
    assert site is not None
    zone = Zone.objects.create(site=site, name="role-table-hall", security_class=3)
    person = Person.objects.create(ref="ROLE-TABLE-1", name="Role Table", kind="staff")
    Authorisation.objects.create(person=person, zone=zone, valid_from=dt.date(2026, 1, 1))
    return access_review_start(actor=reviewer, site=site, zone=zone), person


def _ends_of_contract(organisation: Organisation) -> tuple[Any, Any]:
    """Two end-of-contract cases of a customer: one certified (a service it has no data on, so that the
    demo's inventory stays whole) and one under way (the whole contract, ending in two months)."""
    from art28.duties.services import deletion_certificate_issue, end_of_contract_request
    from art28.inventory.models import Service

    today = dt.date.today()
    unused, _ = Service.objects.get_or_create(name="Role-table service")
    done = end_of_contract_request(actor=TEST_ACTOR, customer=organisation, choice="delete", contract_ends_on=today,
                                   services=[unused])  # fmt: skip
    deletion_certificate_issue(actor=TEST_ACTOR, case=done)
    under_way = end_of_contract_request(actor=TEST_ACTOR, customer=organisation, choice="delete",
                                        contract_ends_on=today + dt.timedelta(days=60))  # fmt: skip
    return done, under_way


def _audit_and_instruction(organisation: Organisation) -> tuple[Any, Any]:
    """An audit of the customer with its report's remediation under way, and an instruction it gave."""
    from art28.duties.audits import controller_audit_agree, controller_audit_report_record, controller_audit_request
    from art28.duties.instructions import instruction_record

    today = dt.date.today()
    audit = controller_audit_request(actor=TEST_ACTOR, customer=organisation, scope="Cloud servers",
                                     proposed_from=today + dt.timedelta(days=40),
                                     proposed_to=today + dt.timedelta(days=41), auditor="Audit AG",
                                     confidentiality="NDA of 2026-11-02")  # fmt: skip
    controller_audit_agree(actor=TEST_ACTOR, audit=audit, agreed_from=today, agreed_to=today)
    controller_audit_report_record(
        actor=TEST_ACTOR,
        audit=audit,
        received_on=today,
        summary="Two findings.",
        remediations=[("Rotate the backup keys.", today + dt.timedelta(days=30))],
    )
    instruction = instruction_record(actor=TEST_ACTOR, customer=organisation, text="Keep logs 90 days.",
                                     source="mail", given_on=today, given_by="Petra Muster")  # fmt: skip
    return audit, instruction


def _services_of_one(org_a: Organisation, org_b: Organisation) -> dict[Organisation, int]:
    """For each customer, a service holding its data and not the other's: a service is no customer's object,
    so "another customer's" is one without your data (the DPIA pack's 404)."""
    from art28.inventory.engine import refresh_locations
    from art28.inventory.models import Asset, AssetKind, Placement, Service, Site

    site = Site.objects.filter(country="CH").order_by("code").first()
    found = {}
    for org in (org_a, org_b):
        service = Service.objects.create(name=f"Role-table service of {org.ref}")
        asset = Asset.objects.create(ref=f"ROLE-TABLE-{org.ref}", kind=AssetKind.VM, site=site, service=service)
        Placement.objects.create(customer=org, asset=asset, data_categories="contact details", subjects=1, records=1)
        found[org] = service.pk
    refresh_locations()
    return found

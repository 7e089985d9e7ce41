"""Who may see what: the role table.

One place says which roles pass the door of every page (by URL name, e.g. ``"dpo:request"``) and of
every API operation (by OpenAPI operation id), and which roles may read what an outbox message is about
(by the message's ``source_type``). Core imports no domain app, so the table names pages and operations
by strings; the domain apps' views and API checks use the role sets defined here
(``role_required(*DPO_READERS)``), and ``tests/access/`` requests every URL pattern of the resolver
and every operation of the OpenAPI document as every role to prove that behaviour matches the table,
and fails when a page or operation is missing from it or when it names one that no longer exists.

The sets follow data minimisation: each role reads only what its work needs (GDPR Art. 5(1)(c),
Art. 25(2), Art. 32(4); nFADP Art. 6(2), Art. 7, Art. 8).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from art28.core.dpo import PROFILE_EDITORS
from art28.core.roles import CUSTOMER_ROLES, STAFF_ROLES, STAFF_WRITERS, TRUST_CENTER_EDITORS, Role

Roles = frozenset[str]

# The public: no account. Only used in the table; no user holds it.
ANONYMOUS = "anonymous"

# --- the role sets the views and API checks use --------------------------------------------------------

EVERYONE: Roles = frozenset({*STAFF_ROLES, *CUSTOMER_ROLES, ANONYMOUS})
SIGNED_IN: Roles = frozenset({*STAFF_ROLES, *CUSTOMER_ROLES})
STAFF: Roles = frozenset(STAFF_ROLES)
STAFF_WRITING: Roles = frozenset(STAFF_WRITERS)
CUSTOMERS: Roles = frozenset(CUSTOMER_ROLES)
CUSTOMER_ADMINS: Roles = frozenset({Role.CUSTOMER_ADMIN})
# Django's admin: raw tables, no role nuance, administrators only.
ADMINS: Roles = frozenset({Role.ADMIN})

# The DPO desk: requests hold personal data (the requester's identity, sometimes special categories),
# so the DPO and administrators act, security and the auditor read, operations never (GDPR Art. 38(5),
# 39; nFADP Art. 10(3)).
DPO_WRITERS: Roles = frozenset(PROFILE_EDITORS)
DPO_READERS: Roles = DPO_WRITERS | {Role.SECURITY, Role.AUDITOR}
# Breaches (GDPR Art. 33; nFADP Art. 24): every staff role reads, security, DPO and administrators act.
BREACH_READERS: Roles = STAFF
BREACH_WRITERS: Roles = frozenset({Role.ADMIN, Role.DPO, Role.SECURITY})
# Records of processing (Art. 30), TOMs (Art. 32), the responsibility matrix.
RECORDS_READERS: Roles = STAFF
RECORDS_WRITERS: Roles = frozenset({Role.ADMIN, Role.DPO})
MEASURE_REVIEWERS: Roles = RECORDS_WRITERS | {Role.SECURITY}
# The glossary of data categories (the terms customers read in their language): every staff role reads,
# the DPO and administrators write.
GLOSSARY_READERS: Roles = STAFF
GLOSSARY_WRITERS: Roles = frozenset({Role.ADMIN, Role.DPO})
# Legal documents and the DPA (Art. 28(3)).
LEGAL_READERS: Roles = STAFF
LEGAL_WRITERS: Roles = frozenset({Role.ADMIN, Role.DPO})
# The sub-processor register and its changes (Art. 28(2), (4)).
SUBPROCESSOR_READERS: Roles = STAFF
SUBPROCESSOR_WRITERS: Roles = frozenset({Role.ADMIN, Role.DPO})
# What the trust center claims (its profile, logo, certifications): every staff role reads, the DPO and
# administrators change it (GDPR Art. 28(1): the guarantees a processor shows its customers).
ASSURANCE_READERS: Roles = STAFF
ASSURANCE_WRITERS: Roles = frozenset(TRUST_CENTER_EDITORS)
# Intrusion tests (S6): every staff role reads (auditors included); security and administrators import
# reports and decide about findings.
PENTEST_WRITERS: Roles = frozenset({Role.ADMIN, Role.SECURITY})
# Controls and their evidence (S2): every staff role reads, auditors first of all.
EVIDENCE_READERS: Roles = STAFF
EVIDENCE_WRITERS: Roles = frozenset({Role.ADMIN, Role.DPO, Role.SECURITY})
# The auditor's pack carries the audit trail (which names customers): those who answer for the evidence,
# and the auditors it is for.
EVIDENCE_PACKERS: Roles = EVIDENCE_WRITERS | {Role.AUDITOR}
# Physical security (S5): badge logs are personal data of employees; every staff role reads (auditors
# check the reviews), security, operations and administrators review authorisations and purge the log.
PHYSICAL_READERS: Roles = STAFF
PHYSICAL_WRITERS: Roles = frozenset({Role.ADMIN, Role.SECURITY, Role.OPERATIONS})
# Audits by customers (GDPR Art. 28(3)(h)): the DPO, security and administrators answer them.
AUDIT_HANDLERS: Roles = LEGAL_WRITERS | {Role.SECURITY}

# --- pages, by URL name ----------------------------------------------------------------------------

# Whole namespaces of third-party URLs: every URL name in them has these roles.
NAMESPACE_ROLES: dict[str, Roles] = {"admin": ADMINS}

URL_ROLES: dict[str, Roles] = {
    # core, sign-in and language
    "home": SIGNED_IN,
    "api_tokens": SIGNED_IN,
    "api_token_revoke": SIGNED_IN,
    "set_language": EVERYONE,
    "account_login": EVERYONE,
    # Stages of a sign-in (a second factor, a mailed code) and signing out: without a sign-in in progress
    # or a session, the public is sent to the login page.
    "account_logout": SIGNED_IN,
    "account_inactive": EVERYONE,
    "account_signup": EVERYONE,
    "account_reauthenticate": SIGNED_IN,
    "account_email": SIGNED_IN,
    "account_email_verification_sent": EVERYONE,
    "account_change_password": SIGNED_IN,
    "account_set_password": SIGNED_IN,
    "account_reset_password": EVERYONE,
    "account_confirm_login_code": SIGNED_IN,
    "account_confirm_email": EVERYONE,
    "account_reset_password_from_key_done": EVERYONE,
    "account_reset_password_from_key": EVERYONE,
    "account_reset_password_done": EVERYONE,
    "mfa_index": SIGNED_IN,
    "mfa_authenticate": SIGNED_IN,
    "mfa_reauthenticate": SIGNED_IN,
    "mfa_activate_totp": SIGNED_IN,
    "mfa_deactivate_totp": SIGNED_IN,
    "mfa_view_recovery_codes": SIGNED_IN,
    "mfa_generate_recovery_codes": SIGNED_IN,
    "mfa_download_recovery_codes": SIGNED_IN,
    # the back office
    "staff:dashboard": STAFF,
    "staff:security_txt": STAFF,
    # The header's search: every staff role; DPO requests appear only for DPO_READERS.
    "staff:search": STAFF,
    "staff:customers": STAFF,
    "staff:customer": STAFF,
    "staff:glossary": GLOSSARY_READERS,
    "staff:glossary_new": GLOSSARY_WRITERS,
    "staff:glossary_edit": GLOSSARY_WRITERS,
    "staff:glossary_delete": GLOSSARY_WRITERS,
    "inventory:sites": STAFF,
    "inventory:assets": STAFF,
    "inventory:asset": STAFF,
    "inventory:syncs": STAFF,
    "residency:audit": STAFF,
    # Security updates (S7): which hosts are exposed is for every staff role; none is a customer's data.
    "patching:fleet": STAFF,
    "patching:host": STAFF,
    "patching:cve": STAFF,
    "breaches:list": BREACH_READERS,
    "breaches:declare": BREACH_WRITERS,
    "breaches:register": BREACH_READERS,
    "breaches:register_pdf": BREACH_READERS,
    "breaches:incident": BREACH_READERS,
    "breaches:edit": BREACH_WRITERS,
    "breaches:scope": BREACH_WRITERS,
    "breaches:decide": BREACH_WRITERS,
    "breaches:freeze": BREACH_WRITERS,
    "breaches:phase": BREACH_WRITERS,
    "breaches:assess": BREACH_WRITERS,
    "breaches:lessons": BREACH_WRITERS,
    "breaches:notice_create": BREACH_WRITERS,
    "breaches:notice": BREACH_READERS,
    "breaches:notice_preview": BREACH_READERS,
    "breaches:notice_send": BREACH_WRITERS,
    "breaches:notice_delete": BREACH_WRITERS,
    "subprocessors:register": SUBPROCESSOR_READERS,
    "subprocessors:create": SUBPROCESSOR_WRITERS,
    "subprocessors:contracts": SUBPROCESSOR_READERS,
    "subprocessors:contract": SUBPROCESSOR_READERS,
    "subprocessors:changes": SUBPROCESSOR_READERS,
    "subprocessors:change_create": SUBPROCESSOR_WRITERS,
    "subprocessors:change": SUBPROCESSOR_READERS,
    "subprocessors:change_edit": SUBPROCESSOR_WRITERS,
    "subprocessors:change_announce": SUBPROCESSOR_WRITERS,
    "subprocessors:change_withdraw": SUBPROCESSOR_WRITERS,
    "subprocessors:change_discard": SUBPROCESSOR_WRITERS,
    "subprocessors:change_resolve": SUBPROCESSOR_WRITERS,
    "subprocessors:detail": SUBPROCESSOR_READERS,
    "subprocessors:edit": SUBPROCESSOR_WRITERS,
    "subprocessors:agreement_record": SUBPROCESSOR_WRITERS,
    "subprocessors:agreement_document": SUBPROCESSOR_READERS,
    "staff_records_dpa": LEGAL_READERS,
    "records:controllers": RECORDS_READERS,
    "records:controllers_export": RECORDS_READERS,
    "records:own": RECORDS_READERS,
    "records:own_export": RECORDS_READERS,
    "records:activity_new": RECORDS_WRITERS,
    "records:activity_edit": RECORDS_WRITERS,
    "records:activity_delete": RECORDS_WRITERS,
    "records:measures": RECORDS_READERS,
    "records:measures_csv": RECORDS_READERS,
    "records:matrix_csv": RECORDS_READERS,
    "records:measure_new": RECORDS_WRITERS,
    "records:measure": RECORDS_READERS,
    "records:measure_review": MEASURE_REVIEWERS,
    "records:measure_retire": RECORDS_WRITERS,
    "records:matrix": RECORDS_READERS,
    "records:responsibility": RECORDS_WRITERS,
    "records:responsibility_delete": RECORDS_WRITERS,
    # The services' customer-facing texts (name translations, description): every staff role reads.
    "records:services": RECORDS_READERS,
    "records:service": RECORDS_READERS,
    "records:controller_export": RECORDS_READERS,
    "records:controller": RECORDS_READERS,
    "dpo:requests": DPO_READERS,
    "dpo:profile": DPO_READERS,
    "dpo:requests_csv": DPO_READERS,
    "dpo:request": DPO_READERS,
    "dpo:assign": DPO_WRITERS,
    "dpo:note": DPO_WRITERS,
    "dpo:reply": DPO_WRITERS,
    "dpo:extend": DPO_WRITERS,
    "dpo:classify": DPO_WRITERS,
    "dpo:forward": DPO_WRITERS,
    "dpo:close": DPO_WRITERS,
    "legal:documents": LEGAL_READERS,
    "legal:document_new": LEGAL_WRITERS,
    "legal:cookies": LEGAL_READERS,
    "legal:cookie_delete": LEGAL_WRITERS,
    "legal:consents": LEGAL_READERS,
    "legal:consents_csv": LEGAL_READERS,
    "legal:document": LEGAL_READERS,
    "legal:version_new": LEGAL_WRITERS,
    "legal:document_title": LEGAL_WRITERS,
    "legal:acceptances": LEGAL_READERS,
    "legal:version": LEGAL_READERS,
    "legal:version_edit": LEGAL_WRITERS,
    "legal:version_publish": LEGAL_WRITERS,
    "legal:version_discard": LEGAL_WRITERS,
    "assurance:profile": ASSURANCE_READERS,
    "assurance:certifications": ASSURANCE_READERS,
    "assurance:certification_new": ASSURANCE_WRITERS,
    "assurance:certification_edit": ASSURANCE_WRITERS,
    "assurance:certification_delete": ASSURANCE_WRITERS,
    "assurance:certification_file": ASSURANCE_READERS,
    "assurance:intrusion_tests": ASSURANCE_READERS,
    "assurance:campaign": ASSURANCE_READERS,
    "assurance:finding": ASSURANCE_READERS,
    "assurance:finding_status": PENTEST_WRITERS,
    "assurance:finding_retest": PENTEST_WRITERS,
    "assurance:findings": ASSURANCE_READERS,
    "assurance:pentest_import": PENTEST_WRITERS,
    "assurance:campaign_report": ASSURANCE_READERS,
    "assurance:isolation_runs": ASSURANCE_READERS,
    "assurance:isolation_run": ASSURANCE_READERS,
    "physical:sites": PHYSICAL_READERS,
    "physical:site": PHYSICAL_READERS,
    "physical:anomalies": PHYSICAL_READERS,
    "physical:person": PHYSICAL_READERS,
    "physical:reviews": PHYSICAL_READERS,
    "physical:review": PHYSICAL_READERS,
    "physical:review_decide": PHYSICAL_WRITERS,
    "duties:cases": STAFF,
    "duties:case": STAFF,
    "duties:certificate": STAFF,
    "duties:case_new": STAFF_WRITING,
    "duties:case_return": STAFF_WRITING,
    "duties:case_certify": STAFF_WRITING,
    "duties:item_delete": STAFF_WRITING,
    "duties:item_retain": LEGAL_WRITERS,
    "duties:audits": STAFF,
    "duties:audit": STAFF,
    "duties:audit_agree": AUDIT_HANDLERS,
    "duties:audit_offer": AUDIT_HANDLERS,
    "duties:audit_report": AUDIT_HANDLERS,
    "duties:remediation_close": AUDIT_HANDLERS,
    "duties:instructions": STAFF,
    "duties:instruction": STAFF,
    "duties:instruction_new": STAFF_WRITING,
    "duties:legal_requirement_new": LEGAL_WRITERS,
    "duties:instruction_flag": LEGAL_WRITERS,
    "duties:instruction_decide": LEGAL_WRITERS,
    # DPIA packs (GDPR Art. 28(3)(f)): every staff role reads who downloaded which version, the DPO first.
    "duties:dpia_packs": STAFF,
    "evidence:controls": EVIDENCE_READERS,
    "evidence:control": EVIDENCE_READERS,
    "evidence:item": EVIDENCE_READERS,
    "evidence:item_file": EVIDENCE_READERS,
    "evidence:upload": EVIDENCE_WRITERS,
    "evidence:packs": EVIDENCE_PACKERS,
    "evidence:pack": EVIDENCE_PACKERS,
    "evidence:pack_download": EVIDENCE_PACKERS,
    "evidence:runs": EVIDENCE_READERS,
    "evidence:soa_csv": EVIDENCE_READERS,
    "evidence:soa_pdf": EVIDENCE_READERS,
    # Improvement (ISO/IEC 27001:2022 10.2): the nonconformity register and its corrective actions.
    "evidence:nonconformities": EVIDENCE_READERS,
    "evidence:nonconformity_new": EVIDENCE_WRITERS,
    "evidence:nonconformity": EVIDENCE_READERS,
    "evidence:nonconformity_root_cause": EVIDENCE_WRITERS,
    "evidence:nonconformity_action_add": EVIDENCE_WRITERS,
    "evidence:nonconformity_action_done": EVIDENCE_WRITERS,
    "evidence:nonconformity_verify": EVIDENCE_WRITERS,
    "outbox:index": STAFF,
    "outbox:retry": STAFF_WRITING,
    # the customer portal: each customer sees only its own organisation's objects (others' are a 404)
    "portal:home": CUSTOMERS,
    "portal:attestations": CUSTOMERS,
    "portal:patching": CUSTOMERS,
    "portal:intrusion_tests": CUSTOMERS,
    "portal:controls": CUSTOMERS,
    "portal:controls_pack": CUSTOMERS,
    "portal:attestation_issue": CUSTOMERS,
    "portal:attestation_json": CUSTOMERS,
    "portal:attestation_pdf": CUSTOMERS,
    "portal:inbox": CUSTOMERS,
    "portal:inbox_message": CUSTOMERS,
    "portal:inbox_acknowledge": CUSTOMERS,
    "portal:webhook": CUSTOMERS,
    "portal:notifications": CUSTOMERS,
    "portal:subprocessors": CUSTOMERS,
    "portal:subprocessor_change": CUSTOMERS,
    "portal:subprocessor_object": CUSTOMERS,
    "portal:subprocessor_consent": CUSTOMERS,
    "portal:records": CUSTOMERS,
    "portal:record_export": CUSTOMERS,
    "portal:responsibilities": CUSTOMERS,
    "portal:dpa": CUSTOMERS,
    "portal:dpa_pdf": CUSTOMERS,
    "portal:dpa_countersign": CUSTOMERS,
    "portal:requests": CUSTOMERS,
    "portal:request": CUSTOMERS,
    "portal:request_answer": CUSTOMERS,
    "portal:documents": CUSTOMERS,
    # End of contract (GDPR Art. 28(3)(g)): every user of the customer follows it; its administrators ask.
    "portal:end_of_contract": CUSTOMERS,
    "portal:end_of_contract_request": CUSTOMER_ADMINS,
    "portal:end_of_contract_case": CUSTOMERS,
    "portal:deletion_certificate": CUSTOMERS,
    # Audits (Art. 28(3)(h)) and instructions (Art. 28(3)(a)): every user follows, administrators act.
    "portal:audits": CUSTOMERS,
    "portal:audit": CUSTOMERS,
    "portal:audit_request": CUSTOMER_ADMINS,
    "portal:audit_offer_answer": CUSTOMER_ADMINS,
    "portal:instructions": CUSTOMERS,
    "portal:instruction_give": CUSTOMER_ADMINS,
    "portal:instruction_answer": CUSTOMER_ADMINS,
    "portal:dpia": CUSTOMERS,
    "portal:dpia_pack": CUSTOMERS,
    "portal:document_accept": CUSTOMERS,
    "portal:document_version": CUSTOMERS,
    # public: the trust center, security.txt, the acknowledgement link (the signed token is the credential)
    "notify_ack:ack": EVERYONE,
    "security_txt": EVERYONE,
    "trust:bare": EVERYONE,
    "trust:index": EVERYONE,
    "trust:subprocessors_json": EVERYONE,
    "trust:subprocessors_atom": EVERYONE,
    "trust:certifications_json": EVERYONE,
    "trust:subscribe": EVERYONE,
    "trust:subscribe_sent": EVERYONE,
    "trust:subscribe_confirm": EVERYONE,
    "trust:unsubscribe": EVERYONE,
    "trust:contact": EVERYONE,
    "trust:contact_sent": EVERYONE,
    "trust:attestation_key_pem": EVERYONE,
    "trust:attestation_key_json": EVERYONE,
    "trust:policies": EVERYONE,
    "trust:policy": EVERYONE,
    "trust:policy_version": EVERYONE,
    "trust:policy_history": EVERYONE,
    "trust:policy_diff": EVERYONE,
    "trust:cookie_consent": EVERYONE,
    "trust:logo": EVERYONE,
    "trust:patching_json": EVERYONE,
    "trust:patching": EVERYONE,
    "trust:security_testing": EVERYONE,
    "trust:certificate": EVERYONE,
    # the API's own pages; its operations are in OPERATION_ROLES
    "api:openapi-json": EVERYONE,
    "api:openapi-view": EVERYONE,
    "api:api-root": EVERYONE,
}

# --- API operations, by OpenAPI operation id -------------------------------------------------------

_API = "art28_{app}_api_{name}"


def _ops(app: str, roles: Roles, *names: str) -> dict[str, Roles]:
    return {_API.format(app=app, name=name): roles for name in names}


OPERATION_ROLES: dict[str, Roles] = {
    **_ops("residency", STAFF, "audit"),
    **_ops("patching", STAFF, "exposures", "record"),
    **_ops("patching", CUSTOMERS, "my_record"),
    **_ops("assurance", STAFF, "findings", "intrusion_tests"),
    **_ops("assurance", CUSTOMERS, "my_intrusion_tests"),
    **_ops("evidence", STAFF, "controls"),
    **_ops("evidence", CUSTOMERS, "my_controls"),
    **_ops(
        "residency",
        CUSTOMERS,
        "my_placements",
        "my_flows",
        "my_violations",
        "my_attestations",
        "my_attestation_document",
        "my_attestation_pdf",
    ),
    **_ops("residency", CUSTOMER_ADMINS, "my_attestation_issue"),
    **_ops("breaches", BREACH_READERS, "list_incidents", "get_incident", "impact", "get_notice", "register_csv"),
    **_ops(
        "breaches",
        BREACH_WRITERS,
        "declare",
        "update",
        "set_scope",
        "decide",
        "freeze",
        "phase",
        "assess",
        "create_notice",
        "edit_notice",
        "send_notice",
    ),
    **_ops(
        "subprocessors",
        CUSTOMERS,
        "my_subprocessors",
        "my_contract",
        "my_changes",
        "my_change",
        "my_object",
        "my_consent",
    ),
    **_ops(
        "subprocessors",
        SUBPROCESSOR_READERS,
        "list_changes",
        "get_change",
        "recipients",
        "list_contracts",
        "get_contract",
        "list_register",
        "get_one",
        "list_agreements",
    ),
    **_ops(
        "subprocessors",
        SUBPROCESSOR_WRITERS,
        "draft",
        "update_change",
        "discard",
        "announce",
        "withdraw",
        "resolve",
        "put_contract",
        "create",
        "update",
        "delete",
    ),
    **_ops("records", CUSTOMERS, "my_record"),
    # A customer reads its own controller's record only (another reference is a 404).
    **_ops("records", RECORDS_READERS | CUSTOMERS, "controller"),
    **_ops("records", RECORDS_READERS, "controllers", "own_record", "measures", "responsibilities"),
    # Published documents are public (the trust center shows them); staff also see drafts.
    **_ops("legal", SIGNED_IN, "list_documents", "list_versions", "get_version", "diff"),
    **_ops("legal", LEGAL_READERS, "customer_dpa"),
    **_ops("legal", LEGAL_WRITERS, "draft", "update", "publish"),
    **_ops("legal", CUSTOMERS, "my_acceptances", "my_accept", "my_dpa", "my_dpa_countersign"),
    **_ops("dpo", DPO_READERS, "requests_list", "request_detail"),
    **_ops(
        "dpo",
        DPO_WRITERS,
        "request_assign_api",
        "request_note_api",
        "request_reply_api",
        "request_extend_api",
        "request_classify_api",
        "request_forward_api",
        "request_close_api",
    ),
    **_ops("dpo", CUSTOMERS, "my_requests", "my_request", "my_answer"),
    **_ops("duties", STAFF, "end_of_contract_cases"),
    **_ops("duties", CUSTOMERS, "my_end_of_contract_cases", "my_end_of_contract_case", "my_deletion_certificate"),
    **_ops("duties", CUSTOMER_ADMINS, "my_end_of_contract_request", "my_audit_request", "my_instruction_give"),
    **_ops("duties", STAFF, "audit_requests", "instructions"),
    **_ops("duties", CUSTOMERS, "my_audits", "my_audit", "my_instructions"),
    **_ops("duties", STAFF, "dpia_downloads"),
    **_ops("duties", CUSTOMERS, "my_dpia_packs", "my_dpia_pack"),
}

# --- what an outbox message is about ---------------------------------------------------------------

# A message's ``source_type`` → the page that reads its source and the source's name for others. Who may
# read the message's recipient, subject and text is who may open that page: the same roles, not a
# second list.
SOURCE_PAGES: dict[str, tuple[str, Promise]] = {
    "dpo.request": ("dpo:request", _("DPO desk")),
    "breaches.notice": ("breaches:notice", _("breach notices")),
    "subprocessors.change": ("subprocessors:change", _("sub-processor changes")),
    "legal.documentversion": ("legal:version", _("legal documents")),
    "duties.endofcontract": ("duties:case", _("end of contract")),
    "duties.instruction": ("duties:instruction", _("instructions")),
    "duties.legalrequirement": ("duties:instructions", _("legal requirements")),
    # The customer's webhook test and a public subscriber's confirmation: the outbox's own business.
    "notify.webhook_test": ("outbox:index", _("outbox")),
    "notify.subscriber": ("outbox:index", _("outbox")),
}


def url_roles(url_name: str) -> Roles:
    """The roles that may open the page named ``url_name`` (``KeyError`` if the table lacks it)."""
    namespace = url_name.split(":", 1)[0] if ":" in url_name else ""
    if namespace in NAMESPACE_ROLES:
        return NAMESPACE_ROLES[namespace]
    return URL_ROLES[url_name]


def source_readers(source_type: str) -> Roles:
    """The roles that may read what a message with this ``source_type`` is about. A source the table
    does not know is read by administrators only (fail closed)."""
    page = SOURCE_PAGES.get(source_type)
    return url_roles(page[0]) if page else ADMINS


def source_label(source_type: str) -> str:
    """The name of a message's source as shown to those who may not read it ("DPO desk")."""
    page = SOURCE_PAGES.get(source_type)
    return str(page[1]) if page else source_type or str(_("unknown source"))


def may_read_source(role: str | None, source_type: str) -> bool:
    return role is not None and role in source_readers(source_type)

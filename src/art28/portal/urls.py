from django.urls import path, re_path

from art28.portal import (
    controls,
    documents,
    end_of_contract,
    inbox,
    intrusion_tests,
    notifications,
    patching,
    requests,
    subprocessors,
    views,
)
from art28.portal import dpa as dpa_pages
from art28.portal import records as records_pages

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("attestations/", views.attestations, name="attestations"),
    path("attestations/issue", views.issue_attestation, name="attestation_issue"),
    path("attestations/<uuid:public_id>.json", views.attestation_json, name="attestation_json"),
    path("attestations/<uuid:public_id>.pdf", views.attestation_pdf, name="attestation_pdf"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<uuid:public_id>/", inbox.inbox_detail, name="inbox_message"),
    path("inbox/<uuid:public_id>/acknowledge", inbox.inbox_acknowledge, name="inbox_acknowledge"),
    path("webhook/", inbox.webhook, name="webhook"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("subprocessors/", subprocessors.subprocessors_page, name="subprocessors"),
    path("subprocessors/changes/<id:change_id>/", subprocessors.change_page, name="subprocessor_change"),
    path("subprocessors/changes/<id:change_id>/object", subprocessors.object_view, name="subprocessor_object"),
    path("subprocessors/changes/<id:change_id>/consent", subprocessors.consent_view, name="subprocessor_consent"),
    path("records/", records_pages.records_page, name="records"),
    path("security-updates/", patching.patching_page, name="patching"),
    path("intrusion-tests/", intrusion_tests.intrusion_tests_page, name="intrusion_tests"),
    path("controls/", controls.controls_page, name="controls"),
    path("controls/pack", controls.controls_pack, name="controls_pack"),
    re_path(r"^records/record\.(?P<fmt>csv|json|pdf)$", records_pages.record_export, name="record_export"),
    path("responsibilities/", records_pages.responsibilities_page, name="responsibilities"),
    path("dpa/", dpa_pages.dpa_page, name="dpa"),
    path("dpa/dpa.pdf", dpa_pages.dpa_pdf, name="dpa_pdf"),
    path("dpa/countersign", dpa_pages.dpa_countersign_view, name="dpa_countersign"),
    path("requests/", requests.requests_page, name="requests"),
    path("requests/<uuid:public_id>/", requests.request_page, name="request"),
    path("requests/<uuid:public_id>/answer", requests.answer_view, name="request_answer"),
    path("end-of-contract/", end_of_contract.end_of_contract_page, name="end_of_contract"),
    path("end-of-contract/request", end_of_contract.end_of_contract_request_view, name="end_of_contract_request"),
    path("end-of-contract/<uuid:public_id>/", end_of_contract.end_of_contract_case, name="end_of_contract_case"),
    path(
        "end-of-contract/<uuid:public_id>/certificate.json",
        end_of_contract.deletion_certificate,
        name="deletion_certificate",
    ),
    path("documents/", documents.documents, name="documents"),
    path("documents/<slug:slug>/v<int:number>/", documents.document_version, name="document_version"),
    path("documents/<slug:slug>/v<int:number>/accept", documents.accept, name="document_accept"),
]

"""Mounted at staff/duties/ (src/art28/urls.py)."""

from django.urls import path

from art28.duties import dpia_views, duty_views, views

app_name = "duties"
urlpatterns = [
    path("end-of-contract/", views.cases, name="cases"),
    path("end-of-contract/new", views.case_new, name="case_new"),
    path("end-of-contract/<str:reference>/", views.case, name="case"),
    path("end-of-contract/<str:reference>/return", views.case_return, name="case_return"),
    path("end-of-contract/<str:reference>/certify", views.case_certify, name="case_certify"),
    path("end-of-contract/<str:reference>/certificate.json", views.certificate, name="certificate"),
    path("end-of-contract/<str:reference>/items/<id:item_id>/delete", views.item_delete, name="item_delete"),
    path("end-of-contract/<str:reference>/items/<id:item_id>/retain", views.item_retain, name="item_retain"),
    path("audits/", duty_views.audits, name="audits"),
    path("audits/<str:reference>/", duty_views.audit, name="audit"),
    path("audits/<str:reference>/agree", duty_views.audit_agree, name="audit_agree"),
    path("audits/<str:reference>/offer", duty_views.audit_offer, name="audit_offer"),
    path("audits/<str:reference>/report", duty_views.audit_report, name="audit_report"),
    path(
        "audits/<str:reference>/remediations/<id:item_id>/close", duty_views.remediation_close, name="remediation_close"
    ),
    path("instructions/", duty_views.instructions, name="instructions"),
    path("instructions/new", duty_views.instruction_new, name="instruction_new"),
    path("instructions/legal-requirement", duty_views.legal_requirement_new, name="legal_requirement_new"),
    path("instructions/<str:reference>/", duty_views.instruction, name="instruction"),
    path("instructions/<str:reference>/flag", duty_views.instruction_flag_view, name="instruction_flag"),
    path("instructions/<str:reference>/decide", duty_views.instruction_decide_view, name="instruction_decide"),
]
urlpatterns += [
    path("dpia/", dpia_views.dpia_packs, name="dpia_packs"),
]

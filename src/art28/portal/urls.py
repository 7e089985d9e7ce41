from django.urls import path

from art28.portal import inbox, notifications, subprocessors, views

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
    path("subprocessors/changes/<int:change_id>/", subprocessors.change_page, name="subprocessor_change"),
    path("subprocessors/changes/<int:change_id>/object", subprocessors.object_view, name="subprocessor_object"),
    path("subprocessors/changes/<int:change_id>/consent", subprocessors.consent_view, name="subprocessor_consent"),
]

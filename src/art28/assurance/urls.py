from django.urls import path

from art28.assurance import pentest_views, views

app_name = "assurance"
urlpatterns = [
    path("trust-center/", views.profile, name="profile"),
    path("certifications/", views.certification_list, name="certifications"),
    path("certifications/new/", views.certification_new, name="certification_new"),
    path("certifications/<id:pk>/", views.certification_edit, name="certification_edit"),
    path("certifications/<id:pk>/delete", views.certification_delete_view, name="certification_delete"),
    path("certifications/<id:pk>/certificate.pdf", views.certification_file, name="certification_file"),
    path("intrusion-tests/", pentest_views.intrusion_tests, name="intrusion_tests"),
    path("intrusion-tests/import/", pentest_views.import_report, name="pentest_import"),
    path("intrusion-tests/<str:ref>/", pentest_views.campaign, name="campaign"),
    path("intrusion-tests/<str:ref>/report", pentest_views.campaign_report, name="campaign_report"),
    path("intrusion-tests/<str:ref>/findings/<str:finding_ref>/", pentest_views.finding, name="finding"),
    path(
        "intrusion-tests/<str:ref>/findings/<str:finding_ref>/status",
        pentest_views.finding_status,
        name="finding_status",
    ),
    path(
        "intrusion-tests/<str:ref>/findings/<str:finding_ref>/retests",
        pentest_views.finding_retest,
        name="finding_retest",
    ),
    path("findings/", pentest_views.findings, name="findings"),
    path("isolation/", pentest_views.isolation_runs, name="isolation_runs"),
    path("isolation/<id:pk>/", pentest_views.isolation_run, name="isolation_run"),
]

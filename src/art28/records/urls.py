from django.urls import path, re_path

from art28.records import measure_views, views

app_name = "records"
urlpatterns = [
    path("", views.controller_list, name="controllers"),
    re_path(r"^all\.(?P<fmt>csv|json|pdf)$", views.controllers_export, name="controllers_export"),
    path("own/", views.own_record, name="own"),
    re_path(r"^own/record\.(?P<fmt>csv|json|pdf)$", views.own_record_export, name="own_export"),
    path("own/new/", views.activity_new, name="activity_new"),
    path("own/<id:pk>/", views.activity_edit, name="activity_edit"),
    path("own/<id:pk>/delete/", views.activity_remove, name="activity_delete"),
    path("measures/", measure_views.measure_list, name="measures"),
    path("measures.csv", measure_views.measures_csv, name="measures_csv"),
    path("responsibilities.csv", measure_views.matrix_csv, name="matrix_csv"),
    path("measures/new/", measure_views.measure_new, name="measure_new"),
    path("measures/<slug:ref>/", measure_views.measure_page, name="measure"),
    path("measures/<slug:ref>/review/", measure_views.measure_review_view, name="measure_review"),
    path("measures/<slug:ref>/retire/", measure_views.measure_retire_view, name="measure_retire"),
    path("responsibilities/", measure_views.matrix, name="matrix"),
    path("services/", measure_views.service_list, name="services"),
    path("services/<id:pk>/", measure_views.service_edit, name="service"),
    path("responsibilities/<id:pk>/", measure_views.responsibility_edit, name="responsibility"),
    path("responsibilities/<id:pk>/delete/", measure_views.responsibility_remove, name="responsibility_delete"),
    # A customer's record; its DPA (…/<ref>/dpa.pdf) is served by art28.legal.dpa (see art28/urls.py).
    re_path(r"^(?P<ref>.+)/record\.(?P<fmt>csv|json|pdf)$", views.controller_export, name="controller_export"),
    path("<path:ref>/", views.controller_page, name="controller"),
]

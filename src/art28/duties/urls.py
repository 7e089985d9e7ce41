"""Mounted at staff/duties/ (src/art28/urls.py)."""

from django.urls import path

from art28.duties import dpia_views, views

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
]
urlpatterns += [
    path("dpia/", dpia_views.dpia_packs, name="dpia_packs"),
]

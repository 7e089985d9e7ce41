from django.urls import path

from art28.evidence import improvement_views, pack_views, views

app_name = "evidence"
urlpatterns = [
    path("", views.controls, name="controls"),
    path("controls/<slug:ref>/", views.control, name="control"),
    path("items/<id:pk>/", views.item, name="item"),
    path("items/<id:pk>/file", views.item_file, name="item_file"),
    path("upload/", views.upload, name="upload"),
    path("packs/", pack_views.packs, name="packs"),
    path("packs/<id:pk>/", pack_views.pack, name="pack"),
    path("packs/<id:pk>/download", pack_views.pack_download, name="pack_download"),
    path("runs/", views.runs, name="runs"),
    path("statement-of-applicability.csv", views.soa_csv, name="soa_csv"),
    path("statement-of-applicability.pdf", views.soa_pdf, name="soa_pdf"),
    path("nonconformities/", improvement_views.register, name="nonconformities"),
    path("nonconformities/new/", improvement_views.new, name="nonconformity_new"),
    path("nonconformities/<str:ref>/", improvement_views.detail, name="nonconformity"),
    path("nonconformities/<str:ref>/root-cause/", improvement_views.root_cause, name="nonconformity_root_cause"),
    path("nonconformities/<str:ref>/actions/", improvement_views.action_add, name="nonconformity_action_add"),
    path(
        "nonconformities/<str:ref>/actions/<id:pk>/done/",
        improvement_views.action_done,
        name="nonconformity_action_done",
    ),
    path("nonconformities/<str:ref>/effectiveness/", improvement_views.verify, name="nonconformity_verify"),
]

from django.urls import path

from art28.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.controls, name="controls"),
    path("controls/<slug:ref>/", views.control, name="control"),
    path("items/<id:pk>/", views.item, name="item"),
    path("items/<id:pk>/file", views.item_file, name="item_file"),
    path("upload/", views.upload, name="upload"),
    path("runs/", views.runs, name="runs"),
    path("statement-of-applicability.csv", views.soa_csv, name="soa_csv"),
]

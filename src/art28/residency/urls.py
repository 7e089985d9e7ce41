from django.urls import path

from art28.residency import views

app_name = "residency"
urlpatterns = [path("audit/", views.audit_page, name="audit")]

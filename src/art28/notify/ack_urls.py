"""Mounted at notify/ (src/art28/urls.py): the acknowledgement links in the notices' e-mails."""

from django.urls import path

from art28.notify import views

app_name = "notify_ack"
urlpatterns = [path("ack/<str:token>/", views.acknowledge, name="ack")]

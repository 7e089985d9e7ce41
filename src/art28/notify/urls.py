"""Mounted at staff/outbox/ (src/art28/urls.py)."""

from django.urls import path

from art28.notify import views

app_name = "outbox"
urlpatterns = [
    path("", views.outbox, name="index"),
    path("<uuid:public_id>/retry", views.retry, name="retry"),
]

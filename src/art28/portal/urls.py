from django.urls import path

from art28.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("attestations/", views.attestations, name="attestations"),
]

from django.urls import path

from art28.trust import views

app_name = "trust"
urlpatterns = [
    path("", views.index, name="index"),
    path("attestation-key.pem", views.attestation_key_pem, name="attestation_key_pem"),
    path("attestation-key.json", views.attestation_key_json, name="attestation_key_json"),
]

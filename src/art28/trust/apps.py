from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "art28.trust"
    label = "trust"
    verbose_name = "Public trust center"

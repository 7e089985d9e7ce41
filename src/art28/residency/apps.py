from django.apps import AppConfig


class ResidencyConfig(AppConfig):
    name = "art28.residency"
    label = "residency"
    verbose_name = "Residency: policies, audit, attestations"

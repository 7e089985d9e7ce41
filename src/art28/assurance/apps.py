from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "art28.assurance"
    label = "assurance"
    verbose_name = "Assurance"

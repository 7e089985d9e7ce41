from django.apps import AppConfig


class PhysicalConfig(AppConfig):
    name = "art28.physical"
    label = "physical"
    verbose_name = "Physical security"

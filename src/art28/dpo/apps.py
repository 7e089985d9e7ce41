from django.apps import AppConfig


class DpoConfig(AppConfig):
    name = "art28.dpo"
    label = "dpo"
    verbose_name = "DPO desk"

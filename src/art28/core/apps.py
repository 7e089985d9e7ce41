from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "art28.core"
    label = "core"
    verbose_name = "Core: organisations, users, audit trail"

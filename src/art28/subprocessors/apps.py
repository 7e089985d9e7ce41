from django.apps import AppConfig


class SubprocessorsConfig(AppConfig):
    name = "art28.subprocessors"
    label = "subprocessors"
    verbose_name = "Sub-processors: register, contracts, changes, objections"

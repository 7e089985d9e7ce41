from django.apps import AppConfig


class PatchingConfig(AppConfig):
    name = "art28.patching"
    label = "patching"
    verbose_name = "Security updates: advisories, package inventories, exposure, time-to-patch"

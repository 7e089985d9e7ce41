from django.apps import AppConfig


class PatchingConfig(AppConfig):
    name = "art28.patching"
    label = "patching"
    verbose_name = "Security updates: advisories, package inventories, exposure, time-to-patch"

    def ready(self) -> None:
        # Registers the patching evidence collectors (core.evidence): the monthly security-update service levels.
        from art28.patching import evidence  # noqa: F401

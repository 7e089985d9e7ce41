from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "art28.assurance"
    label = "assurance"
    verbose_name = "Assurance"

    def ready(self) -> None:
        # Registers the assurance evidence collectors (core.evidence): intrusion tests, the remediation of
        # their findings, isolation runs.
        from art28.assurance import evidence  # noqa: F401

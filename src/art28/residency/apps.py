from django.apps import AppConfig


class ResidencyConfig(AppConfig):
    name = "art28.residency"
    label = "residency"
    verbose_name = "Residency: policies, audit, attestations"

    def ready(self) -> None:
        # Registers the residency evidence collectors (core.evidence): weekly audits, attestations.
        from art28.residency import evidence  # noqa: F401

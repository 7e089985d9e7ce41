from django.apps import AppConfig


class BreachesConfig(AppConfig):
    name = "art28.breaches"
    label = "breaches"
    verbose_name = "Breaches: incidents, impact, severity, notices, register"

    def ready(self) -> None:
        # Registers the breach notices' evidence collector (core.evidence).
        from art28.breaches import evidence  # noqa: F401

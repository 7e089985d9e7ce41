from django.apps import AppConfig


class DpoConfig(AppConfig):
    name = "art28.dpo"
    label = "dpo"
    verbose_name = "DPO desk"

    def ready(self) -> None:
        from art28.dpo import evidence  # noqa: F401  (registers the evidence collector: core.evidence)
        from art28.dpo.conf import check_settings

        # A wrong holiday place or commitment would show wrong deadlines: refuse to start instead.
        check_settings()

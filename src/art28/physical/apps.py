from django.apps import AppConfig


class PhysicalConfig(AppConfig):
    name = "art28.physical"
    label = "physical"
    verbose_name = "Physical security"

    def ready(self) -> None:
        # The badge log is personal data of employees and visitors: the provider's own record of
        # processing (GDPR Art. 30(1)) lists it, with the retention this app applies.
        from art28.physical.retention import register_record

        register_record()

from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "art28.trust"
    label = "trust"
    verbose_name = "Public trust center"

    def ready(self) -> None:
        from art28.trust import policies
        from art28.trust.receivers import connect

        connect()
        policies.connect()
        from art28.trust.contact import connect as connect_dpo_contact

        connect_dpo_contact()

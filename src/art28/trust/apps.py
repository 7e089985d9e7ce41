from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "art28.trust"
    label = "trust"
    verbose_name = "Public trust center"

    def ready(self) -> None:
        from art28.trust.receivers import connect

        connect()

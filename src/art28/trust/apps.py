from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "art28.trust"
    label = "trust"
    verbose_name = "Public trust center"

    def ready(self) -> None:
        from django.conf import settings

        from art28.trust import policies
        from art28.trust.tags import parse_tagging_entity

        # Fail at start-up, naming the setting, rather than on the first request for the feed.
        parse_tagging_entity(settings.ART28_TAG_AUTHORITY)
        from art28.trust.receivers import connect

        connect()
        policies.connect()
        from art28.trust.contact import connect as connect_dpo_contact

        connect_dpo_contact()

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "art28.records"
    label = "records"
    verbose_name = "Records of processing, technical and organisational measures, responsibilities"

    def ready(self) -> None:
        # Registers the records evidence collectors (core.evidence): the measure reviews (Art. 32(1)(d)).
        from art28.records import evidence  # noqa: F401

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "art28.core"
    label = "core"
    verbose_name = "Core: organisations, users, audit trail"

    def ready(self) -> None:
        from django.urls import register_converter

        from art28.core.ids import IdConverter

        # Once, before any URLconf is loaded: ``<id:…>`` for every path that names an object by its id.
        register_converter(IdConverter, "id")

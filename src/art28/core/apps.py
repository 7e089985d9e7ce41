from pathlib import Path

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "art28.core"
    label = "core"
    verbose_name = "Core: organisations, users, audit trail"

    def ready(self) -> None:
        """Creates art28's own directories at start-up (importing the settings writes nothing): the SQLite
        database's folder, and STATIC_ROOT, without which WhiteNoise warns on every request."""
        from django.conf import settings

        database = settings.DATABASES["default"]
        name = str(database.get("NAME") or "")
        on_disk = name not in ("", ":memory:") and not name.startswith("file:")
        if database["ENGINE"] == "django.db.backends.sqlite3" and on_disk:
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        if settings.STATIC_ROOT:
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)

        from django.urls import register_converter

        from art28.core.ids import IdConverter

        # Once, before any URLconf is loaded: ``<id:…>`` for every path that names an object by its id.
        register_converter(IdConverter, "id")

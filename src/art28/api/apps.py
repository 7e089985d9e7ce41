from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "art28.api"
    label = "api"
    verbose_name = "HTTP API"

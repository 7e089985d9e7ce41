from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "art28.demo"
    label = "demo"
    verbose_name = "Demo data"

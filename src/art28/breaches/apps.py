from django.apps import AppConfig


class BreachesConfig(AppConfig):
    name = "art28.breaches"
    label = "breaches"
    verbose_name = "Breaches: incidents, impact, severity, notices, register"

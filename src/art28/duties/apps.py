from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "art28.duties"
    label = "duties"
    verbose_name = "Processor duties (Art. 28(3))"

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "art28.records"
    label = "records"
    verbose_name = "Records of processing, technical and organisational measures, responsibilities"

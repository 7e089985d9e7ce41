from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "art28.notify"
    label = "notify"
    verbose_name = "Notify: the outbox (e-mail, portal inbox, webhooks)"

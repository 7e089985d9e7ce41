"""``{{ message.body_text|notice_html }}`` and ``{{ message.topic|topic_label }}`` for the pages that show
notices (the portal inbox, the staff preview): one renderer for every place a customer reads one."""

from django import template
from django.utils.safestring import SafeString

from art28.notify import rendering, topics

register = template.Library()


@register.filter
def notice_html(text: str) -> SafeString:
    return rendering.to_html(text or "")


@register.filter
def notice_plain(text: str) -> str:
    return rendering.to_plain(text or "")


@register.filter
def topic_label(topic: str) -> str:
    return topics.topic_label(topic or "")

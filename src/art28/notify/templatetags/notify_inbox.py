"""``{% inbox_unread user as n %}``: the unread count beside the portal's "Inbox" link."""

from django import template

from art28.notify.selectors import unread_count

register = template.Library()


@register.simple_tag
def inbox_unread(user: object) -> int:
    organisation = getattr(user, "organisation", None)
    if not getattr(user, "is_customer", False) or organisation is None:
        return 0
    return unread_count(organisation)

"""``{% attention_pending user as n %}``: the number of pending items beside the portal's home link."""

from django import template

from art28.portal.attention import attention_count

register = template.Library()


@register.simple_tag
def attention_pending(user: object, known: object = None) -> int:
    """``known``: the page's own list of items (the portal home has it already: no second reading)."""
    if isinstance(known, list):
        return len(known)
    organisation = getattr(user, "organisation", None)
    if not getattr(user, "is_customer", False) or organisation is None:
        return 0
    return attention_count(organisation)

"""Sent inside the writing transaction, so that the web layer (the trust center's cache) can react
without the legal app importing it."""

from django.dispatch import Signal

# A version was published (kwargs: ``version``); the public policy pages change.
version_published = Signal()
# The cookie inventory changed (the cookie policy page and the consent banner change).
cookies_changed = Signal()

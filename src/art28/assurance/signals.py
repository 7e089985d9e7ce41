"""Sent after a commit that changed what the trust center shows (profile or certifications): the trust
center refreshes its cached pages. A domain app never imports the web layer; the web layer listens."""

from django.dispatch import Signal

trust_content_changed = Signal()

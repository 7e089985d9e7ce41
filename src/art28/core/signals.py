"""Signals core sends for the layers above it (core imports none of them)."""

from django.dispatch import Signal

# Sent after the commit of ``security_txt_renew`` (kwargs: ``record``): the trust center refreshes its pages.
security_txt_renewed = Signal()

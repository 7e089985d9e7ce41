"""Hooks other apps listen to, so that dpo never imports them (DESIGN.md: arrows run one way).

``profile_changed`` is sent after the DPO profile is saved: the trust center refreshes its cached pages.
"""

from django.dispatch import Signal

profile_changed = Signal()

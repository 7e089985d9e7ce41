"""Shared pieces of the sub-processor commands."""

from __future__ import annotations

import getpass

from django.core.exceptions import ValidationError

from art28.core.audit import SystemActor


def cli_actor() -> SystemActor:
    try:
        user = getpass.getuser()
    except OSError:  # no login name (some containers)
        user = "unknown user"
    return SystemActor(f"cli:{user}")


def validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs)
            for field, msgs in exc.message_dict.items()
        )
    return " ".join(exc.messages)

"""How a broken rule reads outside a form: one line for the API's 422, a command's error, a log."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def validation_text(exc: ValidationError) -> str:
    """``field: message; other: message`` (a form-wide message without its ``__all__``)."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    return "; ".join(
        " ".join(messages) if field == "__all__" else f"{field}: {' '.join(messages)}"
        for field, messages in exc.message_dict.items()
    )

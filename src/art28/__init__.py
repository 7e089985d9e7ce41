"""art28: run and prove a hosting provider's data-protection commitments as a processor."""

__version__ = "0.1.0"

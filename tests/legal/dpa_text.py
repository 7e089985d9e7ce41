"""A DPA text that passes the GDPR Art. 28(3) check: each required clause, one short paragraph each,
starting with its marker; optional front matter (what accepting it authorises, Art. 28(2))."""

from __future__ import annotations

from art28.legal.clauses import REQUIRED_CLAUSES

GENERAL_30 = "authorisation: general\nnotice_days: 30"


def dpa_text(front_matter: str = GENERAL_30, *, leave_out: str = "", extra: str = "") -> str:
    """``leave_out``: a clause id whose paragraph is left out; ``extra``: Markdown added at the end."""
    head = f"---\n{front_matter}\n---\n" if front_matter else ""
    clauses = "\n\n".join(
        f"{clause.marker} The parties agree on the {clause.title}."
        for clause in REQUIRED_CLAUSES
        if clause.id != leave_out
    )
    return f"{head}# Data processing agreement\n\n{clauses}\n{extra}"

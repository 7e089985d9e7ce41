"""Helpers for set-based bulk work (imports of tens of thousands of rows)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration of a bulk import.

    An import allocates tens of thousands of short-lived rows and tuples and makes no reference cycles,
    yet each burst of allocations lets the collector walk every live object (the whole of Django) again:
    measured at over half of a 10,000-finding import on SQLite (bench/assurance_bench.py). Reference
    counting still frees everything as usual; the collector resumes afterwards, and a pause already in
    force (a nested import) is left as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

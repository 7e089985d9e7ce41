"""core.bulk.cyclic_gc_paused: the collector is off inside, back on after (even on an error), and a pause
already in force is left alone."""

import gc

import pytest

from art28.core.bulk import cyclic_gc_paused


def test_the_collector_resumes_after_the_bulk_work_even_when_it_fails():
    assert gc.isenabled()
    with pytest.raises(ValueError), cyclic_gc_paused():
        assert not gc.isenabled()
        raise ValueError("an import refused")
    assert gc.isenabled()


def test_a_nested_pause_leaves_the_outer_one_in_force():
    with cyclic_gc_paused():
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()

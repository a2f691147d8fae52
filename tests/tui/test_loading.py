"""``prehab.tui.loading``: a load run in its own thread, its result or its error handed over."""

from __future__ import annotations

import threading

import pytest

from prehab.tui.loading import EarlyLoad


def test_the_result_waits_for_the_thread_and_is_what_it_made() -> None:
    release = threading.Event()
    seen: list[str] = []

    def make() -> str:
        release.wait()
        seen.append(threading.current_thread().name)
        return "state"

    load = EarlyLoad(make, name="early")
    assert not load.done()
    release.set()
    assert load.result() == "state" and load.done()
    assert seen == ["early"]  # made in its own thread, once
    assert load.result() == "state" and seen == ["early"]


def test_an_error_in_the_thread_is_raised_to_whoever_asks() -> None:
    def make() -> str:
        raise OSError("the history cannot be opened")

    load = EarlyLoad(make)
    with pytest.raises(OSError, match="cannot be opened"):
        load.result()

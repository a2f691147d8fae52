"""The app's state, opened in a thread that starts before Textual does (start-up time).

Why: Textual spends about 30 ms setting up (its driver, the stylesheet, the first screen) before
the app's ``on_mount``, and a worker started there waited for it. Opening the day service (the
settings, the history, the rules when the day memo does not answer) and reading today's plan
from a thread started in ``PrehabApp.run`` lets that work fill the gaps while Textual waits on
the terminal, so the first prescription follows the first frame sooner (issue 21). The thread
only reads and commits today's plan as any surface does; the app takes the state when it is
mounted, through the worker it always used (``result`` waits for the thread).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class EarlyLoad(Generic[T]):
    """``make()`` run once in its own daemon thread; ``result`` waits for it and returns what it
    made, or raises what it raised."""

    def __init__(self, make: Callable[[], T], name: str = "prehab-load") -> None:
        self._done = threading.Event()
        self._value: T | None = None
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._run, args=(make,), name=name, daemon=True)
        self._thread.start()

    def _run(self, make: Callable[[], T]) -> None:
        try:
            self._value = make()
        except Exception as exc:  # handed to whoever asks for the result, never lost in a thread
            self._error = exc
        finally:
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def result(self) -> T:
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._value is not None, "make() returned nothing"
        return self._value

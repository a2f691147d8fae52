"""One engine per rule pack, reused across reloads, and only a few alive at a time.

Building an engine compiles the pack and creates a durable ruleset (about 10 ms and 1.8 MiB
for the shipped pack). Engines are keyed by the pack's fingerprint (a hash of every file's path
and text, ``rulebook.loader``), so reloading an unchanged pack (the app does on every save of
a watched file) reuses its engine instead of building another. An engine pushed out of the
last ``KEEP`` is closed, which frees its ruleset: memory stays flat however many distinct
packs a long-running app sees (``bench/reload.py``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from prehab.engine.runner import Engine, EngineError
from prehab.model import Problem
from prehab.rulebook.model import Rulebook

KEEP = 4
"""Engines kept alive: the pack in use, the shipped one (rules diff, fallbacks) and a couple more."""

_ENGINES: OrderedDict[str, Engine] = OrderedDict()
_LOCK = threading.Lock()
_BUILDS = 0


def engine_for(book: Rulebook) -> Engine:
    """The engine for ``book``'s pack: the cached one if the pack is unchanged, else a new one.

    Raises EngineError when durable refuses the pack (``engine_problem`` turns that into a
    Problem for the caller to report while it keeps its last good rulebook).
    """
    global _BUILDS
    evicted: list[Engine] = []
    with _LOCK:
        engine = _ENGINES.get(book.fingerprint)
        if engine is not None:
            _ENGINES.move_to_end(book.fingerprint)
            return engine
        engine = Engine(book)
        _BUILDS += 1
        _ENGINES[book.fingerprint] = engine
        while len(_ENGINES) > KEEP:
            evicted.append(_ENGINES.popitem(last=False)[1])
    for old in evicted:
        old.close()  # waits for a run still using it; a later run would rebuild it
    return engine


def builds() -> int:
    """Engines built so far in this process (tests and benchmarks count rebuilds with it)."""
    return _BUILDS


def clear() -> None:
    """Close every cached engine (tests; nothing needs it in normal use)."""
    with _LOCK:
        engines = list(_ENGINES.values())
        _ENGINES.clear()
    for engine in engines:
        engine.close()


def engine_problem(book: Rulebook) -> Problem | None:
    """Why the engine cannot run ``book``, as a problem to report with the pack's, or None.

    ``prehab rules check`` predicts every limit measured (``prehab.engine.limits``), so this
    is the last line: a refusal it did not predict still never reaches the runner as a
    traceback, and the caller keeps its last good rulebook.
    """
    try:
        engine_for(book)
    except EngineError as exc:
        where = str(book.files[-1]) if book.files else "rule pack"
        return Problem(
            where,
            None,
            "",
            f"the engine cannot run this rule pack: {exc}",
            "undo the last change, or run prehab rules check and report the pack: the check missed a limit",
        )
    return None

"""Python's cyclic garbage collector: held while prehab starts, let go once it is up.

Why: a start makes tens of thousands of objects that live as long as the process (modules,
classes, Textual's widgets and parsed CSS, the rulebook) and little that is garbage. The
collector cannot know that, so it scans them again and again while they are being made.
Measured on Python 3.11 (``bench/startup.py``): 10-18 ms of a ``recommend --json --facts``
(about 190 ms), and 90-115 ms of the app's start to its first prescription (about 730 ms),
40-60 ms of that one full collection.

How:

- The ``prehab`` script and ``python -m prehab`` (``prehab.cli.run``) hold the collector
  (``gc.disable``) before a command's module is imported. Only the cyclic collector is held:
  reference counting frees almost everything as usual.
- A command that ends when its work is done never lets go. The cycles it made are freed with
  the process.
- Leaving, the script freezes everything (``leave``): Python's shut-down runs one last full
  collection, which walks every object the command made (modules, classes, the rulebook,
  the engine's tables) only to free memory the process is about to give back. Measured with
  ``bench/startup.py``: 8-10 ms of a 70 ms ``recommend --json --facts``, the largest single
  step after the imports. Nothing is lost: files and the database are closed by the commands
  (``with``), standard output and error are flushed by Python as before, ``atexit`` handlers
  and threads are waited for as before; only cyclic garbage is left for the OS to reclaim.
- Whatever runs on lets go as soon as it is up (``release``): the app once its first
  prescription is drawn, and ``serve``, ``ha run`` and ``import`` before they start their work.
  Letting go freezes what exists (``gc.freeze``), so no later full collection walks the
  start's objects again, and turns the collector back on. The start's own cyclic garbage is
  frozen with them and kept: about 3,000 objects (0.35 MB) in the app.
- Calling ``main`` directly (the tests, another program) changes nothing: only ``run`` holds.

Textual pauses the collector the same way while it scrolls (``App.PAUSE_GC_ON_SCROLL``).
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """Stop cyclic collection until ``release`` (the start of a ``prehab`` process)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """Freeze what the start made and collect again; nothing if ``hold`` was not called (or
    already released), so anything that runs on can call it unconditionally."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


def leave() -> None:
    """Freeze every object as the process ends, so Python's shut-down collection walks none of
    them (the ``prehab`` script, after its command returns)."""
    gc.freeze()


def held() -> bool:
    """Whether this process holds the collector (and the work running now never lets go)."""
    return _held

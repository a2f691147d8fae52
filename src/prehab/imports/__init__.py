"""Imports of past sessions: Strava bulk exports, GPX, TCX and FIT files.

The runner (and through it the parsers, ``zipfile`` and ``xml``) loads on first use, so
``prehab history``, which only reads the importer's notes (``prehab.imports.ledger``), stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prehab.imports.errors import ImportFailed

if TYPE_CHECKING:
    from prehab.imports.runner import ImportReport, Progress, import_paths, summary

__all__ = ["ImportFailed", "ImportReport", "Progress", "import_paths", "summary"]

_LAZY = ("ImportReport", "Progress", "import_paths", "summary")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from prehab.imports import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

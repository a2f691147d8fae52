"""Imports of past sessions: Strava bulk exports, GPX, TCX and FIT files.

The runner (and through it the parsers, ``zipfile`` and ``xml``) loads on first use, so
``prehab history``, which only reads the importer's notes (``prehab.imports.ledger``), stays light.

How an import is cut: ``finding`` turns each path into work items (zips inside folders too),
``trees`` reads zips and folders (streamed and capped, ``limits``), ``files`` picks the parser
(``gpx``, ``tcx``, ``fit`` with its fast path ``fitwalk``; what they share, legs included, is
``parsed``) and ``strava`` reads activities.csv; ``kinds`` and ``mapping`` decide each session's
kind; ``ledger`` skips what was imported cleanly before, ``runner`` stores item by item,
``report`` says what happened and what it noted.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from prehab.imports.errors import ImportFailed

if TYPE_CHECKING:
    from prehab.imports.report import ImportReport, summary
    from prehab.imports.runner import Progress, import_paths

__all__ = ["ImportFailed", "ImportReport", "Progress", "import_paths", "summary"]

_LAZY = {"ImportReport": "report", "Progress": "runner", "import_paths": "runner", "summary": "report"}
"""Each lazily loaded name and the module of this package that holds it."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"prehab.imports.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

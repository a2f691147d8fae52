"""Imports of past sessions: Strava bulk exports, GPX, TCX and FIT files."""

from prehab.imports.errors import ImportFailed
from prehab.imports.runner import ImportReport, Progress, import_paths, summary

__all__ = ["ImportFailed", "ImportReport", "Progress", "import_paths", "summary"]

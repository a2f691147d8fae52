"""What an import did: the counts, the failures by name, and the lines shown to a person.

Nothing is dropped unsaid: every file, row or activity that could not be imported is a
(name, reason) pair here, and ``summary`` lists them all under its one-line total; what was
imported with something to know (a leg skipped, laps replaced) follows under "notes:".
"""

from __future__ import annotations

from collections.abc import Sequence

from prehab.record import Record, field


class ImportReport(Record):
    """What an import did, for the summary line and the list of failures."""

    added: int = 0
    skipped: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    """(file or row name, reason) for everything that could not be imported."""
    items: int = 0
    seconds: float = 0.0
    refused: int = 0
    """How many of the failures are refusals past a size, ratio or count cap (a zip bomb):
    ``prehab import`` then exits with status 2."""
    unchanged: int = 0
    """Items skipped unread: the same bytes were imported cleanly before (their sessions count
    as skipped)."""
    bytes: int = 0
    """Bytes of the files and members hashed (all but a prehab export): for throughput."""
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(file name, note) for what an import did that lost nothing but should be known: a
    multisport transition skipped, a TCX's lap totals replaced by its trackpoints."""


def summary(report: ImportReport) -> Sequence[str]:
    """The lines to show a person after an import."""
    unchanged = f"; {report.unchanged} unchanged since imported, not read again" if report.unchanged else ""
    lines = [
        f"imported {report.added} session{'s' * (report.added != 1)}, skipped "
        f"{report.skipped} already stored, {len(report.failures)} failed "
        f"({report.items} item{'s' * (report.items != 1)} in {report.seconds:.1f} s{unchanged})"
    ]
    lines.extend(f"  {name}: {reason}" for name, reason in report.failures)
    if report.notes:
        lines.append(f"note{'s' * (len(report.notes) != 1)}:")
        lines.extend(f"  {name}: {note}" for name, note in report.notes)
    return lines

"""Import many paths: files, folders, Strava export zips; report what happened to each.

Each file is parsed on its own and stored in its own transaction, so a broken file costs
only itself: it is listed with its name and reason, everything before it is already safe,
and everything after it still imports. Re-importing is harmless: sessions are recognised by
their start time (or same day, kind and distance) and skipped; a file imported cleanly before
is recognised by its content hash and skipped before it is parsed (``prehab.imports.ledger``).

A folder is searched for exports (a folder holding ``activities.csv``) and activity files down
to ``MAX_FOLDER_DEPTH`` levels: a folder of unzipped exports, or an export one level down, is
read whole. Every refusal names the file and the row or activity; nothing is dropped unsaid.
Finding the work items is ``prehab.imports.finding``, reading zips and folders
``prehab.imports.trees``, the report ``prehab.imports.report``; this module runs the items.

Names and notes are someone else's text (a GPX ``<name>``, a Strava title): every session
passes through ``_clean`` before it is checked and stored, so escape sequences and other
control characters never reach the history (``prehab.safe.text``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from prehab.imports.errors import ImportFailed, ImportRefused
from prehab.imports.files import Found
from prehab.imports.finding import Item, items_for
from prehab.imports.ledger import Digest, Ledger
from prehab.imports.report import ImportReport
from prehab.imports.trees import ZipTree
from prehab.safe.text import clean_text
from prehab.store.db import Store, add_sessions_in
from prehab.store.records import validate_session

Progress = Callable[[int, int, str], None]
"""progress(done, total, name): called before each item (done = items finished so far)
and once at the end with done == total."""


def import_paths(store: Store, paths: Iterable[Path | str], progress: Progress | None = None) -> ImportReport:
    """Import every session in ``paths`` into ``store``; never raises for a bad file."""
    started = time.perf_counter()
    report = ImportReport()
    items: list[Item] = []
    opened: list[ZipTree] = []
    try:
        for raw in paths:
            path = Path(raw)
            try:
                items.extend(items_for(path, opened))
            except ImportFailed as exc:
                report.failures.append((path.name or str(path), str(exc)))
                report.refused += isinstance(exc, ImportRefused)
        _run(store, items, report, progress, Ledger(store))
    finally:
        for tree in opened:
            tree.close()
    report.seconds = time.perf_counter() - started
    return report


def _run(
    store: Store, items: list[Item], report: ImportReport, progress: Progress | None, ledger: Ledger
) -> None:
    """Parse and store each item in turn; one transaction per item."""
    total = len(items)
    stopped: set[str] = set()
    for done, item in enumerate(items):
        if progress:
            progress(done, total, item.name)
        if item.group in stopped:
            continue
        if item.restore is not None:
            try:
                count = item.restore(store)
            except ImportFailed as exc:
                report.failures.append((item.name, str(exc)))
                continue
            except Exception as exc:  # the transaction rolled back: nothing half-stored
                report.failures.append((item.name, f"not restored ({type(exc).__name__}: {exc})"))
                continue
            report.added += count.added
            report.skipped += count.skipped
            continue
        content = _digest(item)
        if content is not None:
            report.bytes += content.size
            known = ledger.done(content)
            if known is not None:
                report.skipped += known
                report.unchanged += 1
                continue
        try:
            found, row_failures = item.load()
        except ImportRefused as exc:
            reason = str(exc)
            if exc.stops_zip and item.group:
                stopped.add(item.group)
                rest = sum(1 for later in items[done + 1 :] if later.group == item.group)
                reason += f"; stopped here: the files before it were imported, {rest} after it were not"
            report.failures.append((item.name, reason))
            report.refused += 1
            continue
        except ImportFailed as exc:
            report.failures.append((item.name, str(exc)))
            continue
        except Exception as exc:  # a parser bug or odd file must not stop the others
            report.failures.append((item.name, f"cannot read it ({type(exc).__name__}: {exc})"))
            continue
        report.failures.extend(row_failures)
        valid: list[Found] = []
        for f in found:
            _clean(f)
            problems = validate_session(f.session)
            if problems:
                report.failures.append((f.where or item.name, f"{f.label}: {'; '.join(problems)}"))
            else:
                valid.append(f)
            report.notes.extend((f.where or item.name, clean_text(note)) for note in f.notes)
        clean = not row_failures and len(valid) == len(found)
        try:
            with store.transaction() as conn:
                count = add_sessions_in(conn, [f.session for f in valid])
                ledger.note_kinds(conn, [f for f in valid if f.session.id is not None])
                if content is not None and clean:
                    ledger.record(conn, content, item.name, valid)
        except Exception as exc:
            report.failures.append((item.name, f"not stored ({exc}); nothing of it was kept"))
            continue
        report.added += count.added
        report.skipped += count.skipped
    report.items = total
    if progress:
        progress(total, total, "")


def _digest(item: Item) -> Digest | None:
    """The item's content hash, or None when it has none or cannot be read (its load says why)."""
    if item.digest is None:
        return None
    try:
        return item.digest()
    except (ImportFailed, OSError):
        return None


def _clean(f: Found) -> None:
    """Strip control characters from the free text of an imported session, in place."""
    s = f.session
    s.notes = clean_text(s.notes)
    if s.surface is not None:
        s.surface = clean_text(s.surface)
    f.label = clean_text(f.label)
    f.how = clean_text(f.how)

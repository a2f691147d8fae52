"""Import many paths: files, folders, Strava export zips; report what happened to each.

Each file is parsed on its own and stored in its own transaction, so a broken file costs
only itself: it is listed with its name and reason, everything before it is already safe,
and everything after it still imports. Re-importing is harmless: sessions are recognised by
their start time (or same day, kind and distance) and skipped; a file imported cleanly before
is recognised by its content hash and skipped before it is parsed (``prehab.imports.ledger``).

A folder is searched for exports (a folder holding ``activities.csv``) and activity files down
to ``MAX_FOLDER_DEPTH`` levels: a folder of unzipped exports, or an export one level down, is
read whole. Every refusal names the file and the row or activity; nothing is dropped unsaid.

Names and notes are someone else's text (a GPX ``<name>``, a Strava title): every session
passes through ``_clean`` before it is checked and stored, so escape sequences and other
control characters never reach the history (``prehab.textsafe``).
"""

from __future__ import annotations

import os
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from prehab.imports.errors import ImportFailed, ImportRefused
from prehab.imports.files import ACTIVITY, Found, activity_format, parse_activity_stream
from prehab.imports.ledger import Digest, Ledger, digest
from prehab.imports.limits import (
    BOMB,
    MAX_ACTIVITY_BYTES,
    MAX_CSV_BYTES,
    MAX_MEMBERS,
    MAX_ZIP_BYTES,
    UNPACK_ERRORS,
    Budget,
    capped,
    check_directory,
    check_member,
    size,
)
from prehab.imports.strava import StravaRows, parse_activities_csv
from prehab.store.db import Store, add_sessions_in
from prehab.store.records import ImportCount, validate_session
from prehab.textsafe import clean_text

Progress = Callable[[int, int, str], None]
"""progress(done, total, name): called before each item (done = items finished so far)
and once at the end with done == total."""

Load = Callable[[], tuple[list[Found], list[tuple[str, str]]]]
"""How an item gets its activities: (found, failures of single rows)."""

MAX_FOLDER_DEPTH = 6
"""Folder levels searched below a folder given to ``prehab import``: an export unzipped into a
folder of its own inside Downloads is 2 down; deeper folders are named as not searched."""


@dataclass
class ImportReport:
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


@dataclass
class _Item:
    """One unit of work: a name to show and how to get its sessions."""

    name: str
    load: Load
    restore: Callable[[Store], ImportCount] | None = None
    """Set for a prehab export: it stores itself (sessions, check-ins, done) in one go."""
    group: str = ""
    """The zip the item comes from: once that zip's total cap is reached, its other items stop."""
    digest: Callable[[], Digest] | None = None
    """The content hash of the item's bytes, taken before it is parsed (``ledger``)."""


def import_paths(store: Store, paths: Iterable[Path | str], progress: Progress | None = None) -> ImportReport:
    """Import every session in ``paths`` into ``store``; never raises for a bad file."""
    started = time.perf_counter()
    report = ImportReport()
    items: list[_Item] = []
    opened: list[_ZipTree] = []
    try:
        for raw in paths:
            path = Path(raw)
            try:
                items.extend(_plan(path, opened))
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
    store: Store, items: list[_Item], report: ImportReport, progress: Progress | None, ledger: Ledger
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


def _digest(item: _Item) -> Digest | None:
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


def _plan(path: Path, opened: list[_ZipTree]) -> list[_Item]:
    """The work items for one path given on the command line."""
    if not path.exists():
        raise ImportFailed("no such file or folder")
    if path.is_dir():
        return _folder_items(path)
    if path.suffix.lower() == ".zip":
        try:
            tree = _ZipTree(path)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ImportFailed(f"not a readable zip file ({exc})") from exc
        opened.append(tree)
        return _export_items(tree, path.name)
    if path.suffix.lower() == ".toml":
        return [_Item(path.name, _no_rows, restore=lambda store: _restore(store, path))]
    if path.suffix.lower() == ".csv":
        return [_Item(path.name, lambda: _csv_file_sessions(path), digest=lambda: _file_digest(path))]
    if activity_format(path.name) is not None:
        return [_file_item(path)]
    raise ImportFailed(
        "not something prehab imports; give a Strava export (.zip or folder), "
        "activities.csv, .gpx/.tcx/.fit files, or a `prehab export` .toml"
    )


def _folder_items(root: Path) -> list[_Item]:
    """A folder: every export in it (a folder with ``activities.csv``: the folder itself, an
    export unzipped one level down, a folder of exports) and every activity file outside them,
    down to ``MAX_FOLDER_DEPTH`` levels."""
    exports, files, problems = _walk(root)
    items: list[_Item] = []
    for folder in exports:
        relative = folder.relative_to(root).as_posix()
        label = root.name if relative == "." else f"{root.name}/{relative}"
        try:
            tree = _DirTree(folder)
        except OSError as exc:
            items.append(
                _Item(label, _fails(ImportFailed(f"cannot read this export ({exc.strerror or exc})")))
            )
            continue
        items.extend(_export_items(tree, label))
    items.extend(_file_item(p) for p in files)
    items.extend(_Item(name, _fails(ImportFailed(reason))) for name, reason in problems)
    if not exports and not files:
        raise ImportFailed(
            f"no activities.csv, GPX, TCX or FIT files in this folder or its subfolders "
            f"(searched {MAX_FOLDER_DEPTH} levels down)"
            + (f"; {problems[0][0]}: {problems[0][1]}" if problems else "")
        )
    return items


def _walk(root: Path) -> tuple[list[Path], list[Path], list[tuple[str, str]]]:
    """(export folders, activity files outside them, (folder, why it was not searched)) under
    ``root``, each sorted; symbolic links to folders are not followed (they can loop)."""
    exports: list[Path] = []
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        name = root.name if folder == root else f"{root.name}/{folder.relative_to(root).as_posix()}"
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            problems.append((name, f"cannot read this folder ({exc.strerror or exc})"))
            continue
        if any(e.name.lower() == "activities.csv" and _is_file(e) for e in entries):
            exports.append(folder)  # an export: _DirTree reads all of it
            continue
        below = []
        for entry in entries:
            if _is_file(entry) and activity_format(entry.name) is not None:
                files.append(Path(entry.path))
            elif _is_dir(entry):
                below.append(Path(entry.path))
            elif entry.is_symlink() and os.path.isdir(entry.path):
                where = f"{name}/{entry.name}"
                problems.append(
                    (where, "a link to a folder, not followed (links can loop); import it by name")
                )
        if below and depth >= MAX_FOLDER_DEPTH:
            problems.append(
                (name, f"its {len(below)} subfolder(s) were not searched: more than {MAX_FOLDER_DEPTH} "
                 "levels down; import them by name")
            )  # fmt: skip
            continue
        stack.extend((sub, depth + 1) for sub in reversed(below))
    return sorted(exports), sorted(files), problems


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _no_rows() -> tuple[list[Found], list[tuple[str, str]]]:
    return [], []


def _restore(store: Store, path: Path) -> ImportCount:
    """Restore a ``prehab export`` TOML file (sessions counted; check-ins and done too)."""
    from prehab.store.backup import BackupError, restore
    from prehab.tomlsafe import TomlError, read_toml

    try:
        data = read_toml(path)  # a FIFO, a huge number or deep nesting: one clear reason
    except TomlError as exc:
        where = f"line {exc.problem.line}: " if exc.problem.line else ""
        raise ImportFailed(where + exc.problem.message) from exc
    rows = data.get("session")
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and isinstance(row.get("notes"), str):
            row["notes"] = clean_text(row["notes"])
    try:
        done = restore(store, data)
    except BackupError as exc:
        raise ImportFailed(f"{exc}; nothing of this file was stored") from exc
    return ImportCount(done.sessions_added, done.sessions_skipped)


def _file_item(path: Path) -> _Item:
    return _Item(path.name, lambda: _file_sessions(path), digest=lambda: _file_digest(path))


def _file_digest(path: Path) -> Digest:
    with path.open("rb") as raw:
        return digest(raw)


def _file_sessions(path: Path) -> tuple[list[Found], list[tuple[str, str]]]:
    with path.open("rb") as raw:
        return parse_activity_stream(path.name, raw, path.stat().st_size), []


def _csv_file_sessions(path: Path) -> tuple[list[Found], list[tuple[str, str]]]:
    with path.open("rb") as raw:
        return _rows_sessions(parse_activities_csv(raw, path.name), None)


def _rows_sessions(rows: StravaRows, tree: _Tree | None) -> tuple[list[Found], list[tuple[str, str]]]:
    """A CSV's sessions; a row Strava wrote badly is taken from its activity file if it can."""
    found = list(rows.found)
    rescued: set[str] = set()
    if tree is not None:
        for where, filename in rows.failed_files.items():
            member = tree.find(filename)
            if member is None or activity_format(member) is None:
                continue
            try:
                from_file = tree.activity(member)
            except ImportRefused as exc:
                if exc.stops_zip:
                    raise
                continue
            except ImportFailed:
                continue
            for f in from_file:
                f.where = where
            found.extend(from_file)
            rescued.add(where)
    return found, [f for f in rows.failures if f[0] not in rescued]


class _Tree:
    """Files of an export by relative POSIX name; a zip or a folder."""

    def __init__(self, names: list[str]) -> None:
        self._names = names
        self._by_suffix: dict[str, str] | None = None

    def names(self) -> list[str]:
        return self._names

    def open(self, name: str, cap: int, what: str) -> BinaryIO:
        """The member as a stream that refuses to go past ``cap`` bytes."""
        raise NotImplementedError

    def size(self, name: str) -> int:
        """The member's size in bytes as read from the tree (a .gz still packed)."""
        raise NotImplementedError

    def activity(self, name: str) -> list[Found]:
        """The sessions of the activity file ``name``, streamed and capped."""
        with self.open(name, MAX_ACTIVITY_BYTES, ACTIVITY) as raw:
            return parse_activity_stream(name, raw, self.size(name), self.budget())

    def budget(self) -> Budget | None:
        return None

    def digest(self, name: str, cap: int, what: str) -> Digest:
        """The content hash of the member ``name`` as stored (a .gz still packed)."""
        with self.open(name, cap, what) as raw:
            return digest(raw)

    def find(self, relative: str) -> str | None:
        """The member called ``relative`` (as activities.csv names it), if present: the first,
        in member order, that is ``relative`` or ends with ``/relative``.

        Answered from an index of every member's path suffixes, built once: a CSV with many
        bad rows used to scan every member for each row (rows x members).
        """
        if self._by_suffix is None:
            self._by_suffix = {}
            for name in self._names:
                parts = name.split("/")
                for i in range(len(parts)):
                    self._by_suffix.setdefault("/".join(parts[i:]), name)
        return self._by_suffix.get(relative.strip().lstrip("/"))


class _ZipTree(_Tree):
    """A zip, opened only after its end record shows a member list of sane size; members are
    streamed and capped, and everything unpacked counts against one ``Budget``."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as fp:
            check_directory(fp)
        self._zip = zipfile.ZipFile(path)
        infos = [i for i in self._zip.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            self._zip.close()
            raise ImportRefused(f"refused: it holds {len(infos):,} files (over {MAX_MEMBERS:,}); {BOMB}")
        self._infos = {i.filename: i for i in infos}
        self._budget = Budget()
        super().__init__([i.filename for i in infos])

    def close(self) -> None:
        self._zip.close()

    def budget(self) -> Budget:
        return self._budget

    def size(self, name: str) -> int:
        return self._infos[name].file_size

    def check(self, reads: dict[str, tuple[int, str]]) -> None:
        """Refuse the zip, before anything is unpacked, if a member prehab would read (name ->
        (cap, what)) declares a size or ratio past the caps, or all of them together do."""
        total = 0
        for name, (cap, what) in reads.items():
            info = self._infos[name]
            try:
                check_member(info, cap, what)
            except ImportRefused as exc:
                raise ImportRefused(f"{name}: {exc}; nothing of this zip was imported") from None
            total += info.file_size
        if total > MAX_ZIP_BYTES:
            raise ImportRefused(
                f"refused: its activity files unpack to {size(total)}, over {size(MAX_ZIP_BYTES)} in all; "
                f"{BOMB} (a real export this big: unzip it and import the folder)"
            )

    def open(self, name: str, cap: int, what: str) -> BinaryIO:
        info = self._infos[name]
        check_member(info, cap, what)
        try:
            raw = self._zip.open(info)
        except UNPACK_ERRORS as exc:
            raise ImportFailed(f"cannot unpack it from the zip ({exc})") from exc
        return capped(raw, cap, what, damaged="cannot unpack it from the zip")


class _DirTree(_Tree):
    def __init__(self, root: Path) -> None:
        self._root = root
        super().__init__(sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()))

    def size(self, name: str) -> int:
        return (self._root / name).stat().st_size

    def open(self, name: str, cap: int, what: str) -> BinaryIO:
        try:
            raw = (self._root / name).open("rb")
        except OSError as exc:  # gone or unreadable since the folder was listed
            raise ImportFailed(f"cannot read it ({exc.strerror or exc})") from exc
        return capped(raw, cap, what)


def _export_items(tree: _Tree, label: str) -> list[_Item]:
    """A Strava export: activities.csv, plus any activity file no CSV row accounts for.

    For a zip every member that may be read is checked against the caps first, so a zip bomb
    is refused whole before a byte is unpacked; the CSV is read (streamed) while planning,
    and past its caps the whole export is refused, since importing only the files the CSV
    does not list would be half an import.
    """
    csv_name = tree.find("activities.csv")
    if isinstance(tree, _ZipTree):
        reads = {name: (MAX_ACTIVITY_BYTES, ACTIVITY) for name in tree.names() if activity_format(name)}
        if csv_name is not None:
            reads[csv_name] = (MAX_CSV_BYTES, "activities.csv")
        tree.check(reads)
    items: list[_Item] = []
    referenced: set[str] = set()
    if csv_name is not None:
        where = f"{label}:{csv_name}"
        try:
            with tree.open(csv_name, MAX_CSV_BYTES, "activities.csv") as raw:
                rows = parse_activities_csv(raw, where)
        except ImportRefused as exc:
            raise ImportRefused(f"{csv_name}: {exc}; nothing of this export was imported") from None
        except ImportFailed as exc:
            files = sum(1 for name in tree.names() if activity_format(name) is not None)
            lost = ImportFailed(
                f"{exc}; the export's activity files ({files}) are read on their own, but its rows "
                "without a file (entered by hand, or from a device that kept none) are missing"
            )
            items.append(_Item(where, _fails(lost), group=label))
        else:
            referenced = {PurePosixPath(f).name for f in rows.files.values()}
            referenced |= {PurePosixPath(f).name for f in rows.failed_files.values()}
            items.append(
                _Item(
                    where,
                    lambda: _rows_sessions(rows, tree),
                    group=label,
                    digest=lambda: tree.digest(csv_name, MAX_CSV_BYTES, "activities.csv"),
                )
            )
    for name in tree.names():
        if activity_format(name) is None or PurePosixPath(name).name in referenced:
            continue
        items.append(_activity_item(tree, name, label))
    if not items:
        raise ImportFailed("no activities.csv, GPX, TCX or FIT files inside")
    return items


def _fails(exc: ImportFailed) -> Load:
    def load() -> tuple[list[Found], list[tuple[str, str]]]:
        raise exc

    return load


def _activity_item(tree: _Tree, name: str, label: str) -> _Item:
    return _Item(
        f"{label}:{name}",
        lambda: (tree.activity(name), []),
        group=label,
        digest=lambda: tree.digest(name, MAX_ACTIVITY_BYTES, ACTIVITY),
    )


def summary(report: ImportReport) -> Sequence[str]:
    """The lines to show a person after an import."""
    unchanged = f"; {report.unchanged} unchanged since imported, not read again" if report.unchanged else ""
    lines = [
        f"imported {report.added} session{'s' * (report.added != 1)}, skipped "
        f"{report.skipped} already stored, {len(report.failures)} failed "
        f"({report.items} item{'s' * (report.items != 1)} in {report.seconds:.1f} s{unchanged})"
    ]
    lines.extend(f"  {name}: {reason}" for name, reason in report.failures)
    return lines

"""What to import: each path given becomes work items (a file, an export's CSV, its activity files).

A folder is searched for exports (a folder holding ``activities.csv``), zips and activity files
down to ``MAX_FOLDER_DEPTH`` levels: a folder of unzipped exports, an export one level down, or
the export's zip left in Downloads is read whole (at most ``MAX_FOLDER_ZIPS`` zips, each under
the same caps as a zip given by name); a link to a folder is not followed (links can loop). A
Strava export becomes its activities.csv plus any activity file no row accounts for, and a row
Strava wrote badly is taken from its activity file if it can be. Every path, folder or zip that
cannot be used is an item that fails with its reason, so the report names it.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from prehab.imports.errors import ImportFailed, ImportRefused
from prehab.imports.files import ACTIVITY, Found, activity_format
from prehab.imports.ledger import Digest
from prehab.imports.limits import MAX_ACTIVITY_BYTES, MAX_CSV_BYTES
from prehab.imports.strava import StravaRows, parse_activities_csv
from prehab.imports.trees import DirTree, Tree, ZipTree, file_digest, file_sessions
from prehab.record import Record
from prehab.safe.text import clean_text
from prehab.store.db import Store
from prehab.store.records import ImportCount

Load = Callable[[], tuple[list[Found], list[tuple[str, str]]]]
"""How an item gets its activities: (found, failures of single rows)."""

MAX_FOLDER_ZIPS = 100
"""Zips opened in one folder search: a Downloads folder holds a few exports, not hundreds;
past this each zip is named as not opened (import it by name)."""

MAX_FOLDER_DEPTH = 6
"""Folder levels searched below a folder given to ``prehab import``: an export unzipped into a
folder of its own inside Downloads is 2 down; deeper folders are named as not searched."""


class Item(Record):
    """One unit of work: a name to show and how to get its sessions."""

    name: str
    load: Load
    restore: Callable[[Store], ImportCount] | None = None
    """Set for a prehab export: it stores itself (sessions, check-ins, done) in one go."""
    group: str = ""
    """The zip the item comes from: once that zip's total cap is reached, its other items stop."""
    digest: Callable[[], Digest] | None = None
    """The content hash of the item's bytes, taken before it is parsed (``ledger``)."""


def items_for(path: Path, opened: list[ZipTree]) -> list[Item]:
    """The work items for one path given on the command line."""
    if not path.exists():
        raise ImportFailed("no such file or folder")
    if path.is_dir():
        return _folder_items(path, opened)
    if path.suffix.lower() == ".zip":
        return _zip_items(path, path.name, opened)
    if path.suffix.lower() == ".toml":
        return [Item(path.name, _no_rows, restore=lambda store: _restore(store, path))]
    if path.suffix.lower() == ".csv":
        return [Item(path.name, lambda: _csv_file_sessions(path), digest=lambda: file_digest(path))]
    if activity_format(path.name) is not None:
        return [_file_item(path)]
    raise ImportFailed(
        "not something prehab imports; give a Strava export (.zip or folder), "
        "activities.csv, .gpx/.tcx/.fit files, or a `prehab export` .toml"
    )


def _zip_items(path: Path, label: str, opened: list[ZipTree]) -> list[Item]:
    """The items of one zip (an export, or a zip of activity files); raises ImportFailed."""
    try:
        tree = ZipTree(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportFailed(
            f"not a readable zip file ({exc}): damaged or cut short; download or copy it again"
        ) from exc
    opened.append(tree)
    return _export_items(tree, label)


def _folder_items(root: Path, opened: list[ZipTree]) -> list[Item]:
    """A folder: every export in it (a folder with ``activities.csv``: the folder itself, an
    export unzipped one level down, a folder of exports), every zip and every activity file
    outside them, down to ``MAX_FOLDER_DEPTH`` levels."""
    exports, files, problems = _walk(root)
    zips = [p for p in files if p.suffix.lower() == ".zip"]
    files = [p for p in files if p.suffix.lower() != ".zip"]
    items: list[Item] = []
    for folder in exports:
        relative = folder.relative_to(root).as_posix()
        label = root.name if relative == "." else f"{root.name}/{relative}"
        try:
            tree = DirTree(folder)
        except OSError as exc:
            items.append(
                Item(label, _fails(ImportFailed(f"cannot read this export ({exc.strerror or exc})")))
            )
            continue
        items.extend(_export_items(tree, label))
    for count, path in enumerate(zips):
        label = f"{root.name}/{path.relative_to(root).as_posix()}"
        if count >= MAX_FOLDER_ZIPS:
            reason = f"not opened: over {MAX_FOLDER_ZIPS} zips in one folder; import it by name"
            items.append(Item(label, _fails(ImportFailed(reason))))
            continue
        try:
            items.extend(_zip_items(path, label, opened))
        except ImportFailed as exc:  # a refusal stays a refusal (the runner counts it)
            items.append(Item(label, _fails(exc)))
    items.extend(_file_item(p) for p in files)
    items.extend(Item(name, _fails(ImportFailed(reason))) for name, reason in problems)
    if not exports and not files and not zips:
        raise ImportFailed(
            f"no activities.csv, zip, GPX, TCX or FIT files in this folder or its subfolders "
            f"(searched {MAX_FOLDER_DEPTH} levels down)"
            + (f"; {problems[0][0]}: {problems[0][1]}" if problems else "")
        )
    return items


def _walk(root: Path) -> tuple[list[Path], list[Path], list[tuple[str, str]]]:
    """(export folders, activity files and zips outside them, (folder, why it was not searched)) under
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
            exports.append(folder)  # an export: DirTree reads all of it
            continue
        below = []
        for entry in entries:
            if _is_file(entry) and (activity_format(entry.name) or entry.name.lower().endswith(".zip")):
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
    from prehab.safe.toml import TomlError, read_toml
    from prehab.store.backup import BackupError, restore

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


def _file_item(path: Path) -> Item:
    return Item(path.name, lambda: file_sessions(path), digest=lambda: file_digest(path))


def _csv_file_sessions(path: Path) -> tuple[list[Found], list[tuple[str, str]]]:
    with path.open("rb") as raw:
        return _rows_sessions(parse_activities_csv(raw, path.name), None)


def _rows_sessions(rows: StravaRows, tree: Tree | None) -> tuple[list[Found], list[tuple[str, str]]]:
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


def _export_items(tree: Tree, label: str) -> list[Item]:
    """A Strava export: activities.csv, plus any activity file no CSV row accounts for.

    For a zip every member that may be read is checked against the caps first, so a zip bomb
    is refused whole before a byte is unpacked; the CSV is read (streamed) while planning,
    and past its caps the whole export is refused, since importing only the files the CSV
    does not list would be half an import.
    """
    csv_name = tree.find("activities.csv")
    if isinstance(tree, ZipTree):
        reads = {name: (MAX_ACTIVITY_BYTES, ACTIVITY) for name in tree.names() if activity_format(name)}
        if csv_name is not None:
            reads[csv_name] = (MAX_CSV_BYTES, "activities.csv")
        tree.check(reads)
    items: list[Item] = []
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
            items.append(Item(where, _fails(lost), group=label))
        else:
            referenced = {PurePosixPath(f).name for f in rows.files.values()}
            referenced |= {PurePosixPath(f).name for f in rows.failed_files.values()}
            items.append(
                Item(
                    where,
                    lambda: _rows_sessions(rows, tree),
                    group=label,
                    digest=lambda: tree.digest(csv_name, MAX_CSV_BYTES, "activities.csv"),
                )
            )
    for name in tree.names():
        if isinstance(tree, ZipTree) and name.lower().endswith(".zip"):
            inner = ImportFailed(
                "a zip inside a zip is not opened; unzip the outer one and import the folder"
            )
            items.append(Item(f"{label}:{name}", _fails(inner), group=label))
        if activity_format(name) is None or PurePosixPath(name).name in referenced:
            continue
        items.append(_activity_item(tree, name, label))
    if not items:
        raise ImportFailed(
            "no activities.csv, GPX, TCX or FIT files inside (a Strava export holds activities.csv; "
            "a watch's files end .fit, .gpx or .tcx); check it is the export you meant"
        )
    return items


def _fails(exc: ImportFailed) -> Load:
    def load() -> tuple[list[Found], list[tuple[str, str]]]:
        raise exc

    return load


def _activity_item(tree: Tree, name: str, label: str) -> Item:
    return Item(
        f"{label}:{name}",
        lambda: (tree.activity(name), []),
        group=label,
        digest=lambda: tree.digest(name, MAX_ACTIVITY_BYTES, ACTIVITY),
    )

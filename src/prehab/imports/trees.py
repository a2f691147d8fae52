"""Where an import's bytes come from: an export as a tree of members (a zip or a folder), or one file.

A zip is opened only after its end record shows a member list of sane size, every member it
would read is checked against the caps before a byte is unpacked, and what is unpacked counts
against one ``Budget`` (``prehab.imports.limits``); a member is read as a capped stream, never
whole. A folder holding an unzipped export is read the same way. ``find`` answers which member
a row of activities.csv names.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import BinaryIO

from prehab.imports.errors import ImportFailed, ImportRefused
from prehab.imports.files import ACTIVITY, Found, parse_activity_stream
from prehab.imports.ledger import Digest, digest
from prehab.imports.limits import (
    BOMB,
    MAX_ACTIVITY_BYTES,
    MAX_MEMBERS,
    MAX_ZIP_BYTES,
    UNPACK_ERRORS,
    Budget,
    capped,
    check_directory,
    check_member,
    size,
)


class Tree:
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


class ZipTree(Tree):
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


class DirTree(Tree):
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


def file_digest(path: Path) -> Digest:
    """The content hash of one file given by name (``ledger``)."""
    with path.open("rb") as raw:
        return digest(raw)


def file_sessions(path: Path) -> tuple[list[Found], list[tuple[str, str]]]:
    """The sessions of one activity file given by name, streamed (no single rows to fail)."""
    with path.open("rb") as raw:
        return parse_activity_stream(path.name, raw, path.stat().st_size), []

"""The day memo: today's committed plan as last read, kept so a one-shot command can skip the rules.

Why: ``prehab recommend`` and ``prehab done`` read the day's committed plan, which is
re-planned only when its inputs change. Finding out whether they changed meant loading the
rulebook and deriving the day's facts again: three quarters of the command's time, to learn
(nearly always) that nothing had. The memo answers the same question from what those inputs
are made of, without reading any of it as rules or facts.

**The key** is a SHA-256 of everything the day service's read depends on:

- the history's revision (``Store.revision``: moved by every write of every table, by any
  process, through triggers) and its path;
- the exact bytes of every rule file and screen file in the layers the service reads (and each
  folder's listing, so a file that appears, goes or is skipped as not a regular file is a
  change), and of ``settings.toml``;
- the day, the local time zone (stored times become local days), prehab's version, Python's and
  the size and modification time of every prehab module (a developer's edit is a new key).

Any change is another key, so a miss; the command then reads the day as before and keeps what
it read under the new key. There is no expiry to get wrong: a stale memo is never read, because
nothing can change without changing its key.

**What is kept** is the read itself (``Memo``): the committed ``DayView`` (its stored JSON
form), the ``Decorations`` read with it, the problems that were printed with it, and whether the
runner is new; and, beside it, what a command printed from it (``Output``: ``recommend --json``
prints it again without importing the day's types at all) or sent (``ha publish``:
``prehab.integrations.ha.publish.Sent``). Each is kept only when nothing moved
while it was read: the revision after the read must be the one this process saw at the start,
moved only by its own writes (``Store.own_revision``), and the files' bytes the same
(``DayService.memo_key``).

**Where**: the cache folder's ``day`` folder, through the pack cache's codec (JSON, never
pickle; records made by an ``__init__`` that only sets fields; a header with the payload's
SHA-256). A damaged history (read from a copy), an unreadable file or a cache folder that
cannot be written: no memo, the slow read. Deleting the cache folder costs one slow read.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prehab import __version__
from prehab.digest import sha256
from prehab.record import Record, field
from prehab.rulebook import packcache
from prehab.safe.toml import TomlError, read_file, toml_files

if TYPE_CHECKING:
    from prehab.day.view import DayView, Decorations
    from prehab.model import Problem

FORMAT = 1
"""Bumped when what is kept changes shape."""


class Memo(Record):
    """One day's read, as the day service returns it (see the module docstring)."""

    day: date
    view: dict[str, Any]
    """``DayView.to_json``: the committed view."""
    extras: Decorations
    problems: list[Problem] = field(default_factory=list)
    """The rules' and screens' problems, as ``DayService.problems`` had them."""
    store_problems: list[Problem] = field(default_factory=list)
    new_runner: bool = False
    usable: bool = True
    """A rulebook advised (else the view says why not)."""

    def day_view(self) -> DayView | None:
        from prehab.day.view import DayView

        return DayView.from_json(self.view)


class Sources(Record, frozen=True):
    """What a day's read depends on, summed up: ``files`` (every rule, screen and settings file,
    hashed) apart from ``revision``, so a read can check each moved or not."""

    files: str
    revision: int

    def key(self, day: date) -> str:
        text = f"prehab-day-memo\0{FORMAT}\0{day.isoformat()}\0{self.revision}\0{self.files}"
        return sha256(text.encode()).hexdigest()


class Output(Record, frozen=True):
    """What a one-shot command printed for the day (``recommend --json``): printed again as it
    was, exit code and all, while the key is the same."""

    stdout: str
    stderr: str
    code: int


_REGISTERED: list[bool] = []


def _register() -> None:
    """Let the codec store the memo's records (once, when a memo is first read or kept): the
    quick read of an ``Output`` needs none of the day's types."""
    if _REGISTERED:
        return
    from prehab.day.followup import FollowUp
    from prehab.day.view import Decorations
    from prehab.facts.response import ResponseAsk
    from prehab.store.advicelog import Change
    from prehab.store.dayplans import Replan
    from prehab.store.records import Episode

    for tag, cls in (
        ("dM", Memo), ("dD", Decorations), ("dF", FollowUp), ("dE", Episode), ("dR", ResponseAsk),
        ("dC", Change), ("dP", Replan),
    ):  # fmt: skip
        packcache.register(tag, cls)
    _REGISTERED.append(True)


packcache.register("dO", Output)


def memo_folder() -> Path:
    """Where memos are kept: the cache folder's ``day`` (the newest ``packcache.KEEP`` stay)."""
    from prehab.paths import cache_dir

    return cache_dir() / "day"


def today_sources() -> Sources | None:
    """What today depends on with the default folders and history, the history's revision read
    on a read-only connection (``store.schema.read_revision``): what a quick read
    (``recall_output``) needs, without the ``Store`` and its repositories."""
    from prehab.paths import database_file, default_rule_layers, default_screen_dirs, settings_file
    from prehab.store.schema import read_revision

    history = database_file()
    folders = default_rule_layers() + default_screen_dirs()
    return sources(read_revision(history), history, folders, settings_file())


def sources(revision: int | None, history: Path, folders: list[Path], settings: Path) -> Sources | None:
    """What the day read from the history at ``history`` (at ``revision``), the rule and screen
    ``folders`` and ``settings`` depends on; None when it cannot be told (no revision: a damaged
    or locked history; a file that cannot be read)."""
    if revision is None:
        return None
    digest = sha256()
    zone = f"{os.environ.get('TZ', '')}|{time.timezone}|{time.altzone}|{'|'.join(time.tzname)}"
    try:
        digest.update(f"{__version__}\0{sys.version}\0{_code_stamp()}\0{zone}\0{history}\0".encode())
        for folder in folders:
            listed: list[Problem] = []
            found = toml_files(folder, listed)
            digest.update(f"\0folder\0{folder}\0{folder.exists()}\0{listed!r}\0".encode())
            for path in found:
                data = read_file(path)
                digest.update(f"\0file\0{path}\0{len(data)}\0".encode())
                digest.update(data)
        digest.update(f"\0settings\0{settings}\0".encode())
        if settings.exists():
            data = read_file(settings)
            digest.update(f"{len(data)}\0".encode())
            digest.update(data)
    except (TomlError, OSError):
        return None
    return Sources(digest.hexdigest(), revision)


def recall(key: str, day: date) -> Memo | None:
    """The memo kept under ``key`` for ``day``, or None (a miss of any kind)."""
    from prehab.day.view import Decorations
    from prehab.model import Problem

    _register()
    found = packcache.read_value(key, memo_folder())
    if not isinstance(found, Memo) or found.day != day or not isinstance(found.extras, Decorations):
        return None
    problems = [found.problems, found.store_problems]
    if not all(isinstance(p, list) and all(isinstance(x, Problem) for x in p) for p in problems):
        return None
    if type(found.new_runner) is not bool or type(found.usable) is not bool or found.day_view() is None:
        return None
    return found


def keep(key: str, memo: Memo) -> bool:
    """Keep ``memo`` under ``key``; False when it cannot be (nothing is kept)."""
    _register()
    return packcache.write_value(key, memo, memo_folder())


def _output_key(key: str, name: str) -> str:
    return sha256(f"{key}\0output\0{name}".encode()).hexdigest()


def recall_beside(key: str, name: str) -> Any:
    """What was kept as ``name`` beside the read kept under ``key`` (``keep_beside``), or None;
    the caller checks its shape (``recall_output``, ``integrations.ha.publish.recall``)."""
    return packcache.read_value(_output_key(key, name), memo_folder())


def keep_beside(key: str, name: str, value: Any) -> bool:
    """Keep ``value`` (records the codec knows: an ``Output``, ``ha publish``'s ``Sent``) as
    ``name`` beside the read kept under ``key``."""
    return packcache.write_value(_output_key(key, name), value, memo_folder())


def recall_output(key: str, name: str) -> Output | None:
    """What the command ``name`` printed under ``key``, or None (a miss of any kind)."""
    found = recall_beside(key, name)
    if (
        not isinstance(found, Output)
        or not isinstance(found.stdout, str)
        or not isinstance(found.stderr, str)
    ):
        return None
    return found if type(found.code) is int else None


_NOT_READ = frozenset({"tui", "imports", "integrations", "web", "data", "__pycache__", "__main__.py"})
"""Parts of prehab a day's read and ``recommend``'s output never run: their edits are not the day's."""


@functools.cache
def _code_stamp() -> str:
    """``packcache.code_stamp`` of every part of prehab a day's read runs (a developer's edit is a
    new key; a user's install changes ``__version__``)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with os.scandir(root) as entries:
        names = (e.name for e in entries if e.name.endswith(".py") or e.is_dir())
        return packcache.code_stamp(tuple(sorted(n for n in names if n not in _NOT_READ)))

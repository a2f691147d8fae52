"""The day service's part that reads and keeps the day memo (``prehab.day.memo``).

A one-shot command opens the service with ``open(lazy=True)``: ``_recall`` looks for today's
memo, and while it is in force (nothing changed in this process since) today's read, the
problems and whether the runner is new come from it; the rules and screens are read only when
something asks for them. A read done the slow way is kept (``_remember``), and so is what a
command printed from it (``keep_output``), but only when nothing the day depends on moved since
the service opened but by its own writes (``memo_key``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import date

    from prehab.day.view import DayView, Decorations
    from prehab.model import Problem
    from prehab.store import Store


class Remembered:
    """The day service's memo: see the module docstring."""

    store: Store | None
    rule_layers: list[Path] | None
    screen_dirs: list[Path] | None
    version: int
    _rules_read: bool
    _book: Any
    _memo: Any
    """Today's read from the memo (``memo.Memo``), in force while ``version`` is
    ``_memo_version``: any change in this process goes back to reading the day."""
    _memo_version: int
    _sources: Any
    """What the day depends on as found at ``open(lazy=True)`` (``memo.Sources``); None: this
    process keeps no memo (``ha run``; the app, once the rules in force are no longer what the
    files say: ``DayService.take_rules``)."""
    _read_key: str | None
    """The key today's read is kept under (the memo it came from, or the one it was kept as):
    what ``keep_output`` keeps a command's output under, while ``version`` is
    ``_read_key_version``."""
    _read_key_version: int
    store_path: Path | None

    if TYPE_CHECKING:  # the day service's own

        @property
        def today(self) -> date: ...

        @property
        def problems(self) -> list[Problem]: ...

        def store_problems(self) -> list[Problem]: ...

        def new_runner(self) -> bool: ...

        def folders(self) -> list[Path]: ...

    def _recall(self, found: Any = None) -> bool:
        """Look for today's memo; True when it answers today's read. ``found``: the sources a
        command's quick read found (default folders and history): used if the history has not
        moved since, rather than reading every file again."""
        from prehab.day import memo

        store = self.store
        if store is None:
            return False
        defaults = self.rule_layers is None and self.screen_dirs is None and self.store_path is None
        reuse = found is not None and defaults and found.revision == store.revision()
        self._sources = found if reuse else self._find_sources()
        if self._sources is None:
            return False
        store.follow(self._sources.revision)  # from here, its own writes are told apart
        key = self._sources.key(self.today)
        self._memo = memo.recall(key, self.today)
        self._memo_version = self.version
        self._read_key = key if self._memo is not None else None
        self._read_key_version = self.version
        return self._memo is not None

    def _memo_in_force(self) -> Any:
        """The memo that answers today's read, or None."""
        if self._memo is not None and self._memo_version == self.version and not self._rules_read:
            return self._memo
        return None

    def _find_sources(self) -> Any:
        from prehab.day.memo import sources
        from prehab.paths import settings_file

        if self.store is None:
            return None
        return sources(self.store.revision(), self.store.path, self.folders(), settings_file())

    def memo_key(self) -> str | None:
        """Today's memo key, if this process keeps a memo (``open(lazy=True)``) and nothing the
        day depends on moved since it opened but by its own writes (``Store.own_revision``: a
        tick, a commit); else None."""
        before = self._sources
        if before is None or self.store is None or self.store.own_revision is None:
            return None  # another process has written since (``Store.follow``): no file read
        after = self._find_sources()
        if after is None or after.files != before.files or after.revision != self.store.own_revision:
            return None  # another process wrote, or a file changed, since the day was read
        key: str = after.key(self.today)
        return key

    def keep_output(self, name: str, stdout: str, stderr: str, code: int) -> None:
        """Keep what the command ``name`` printed from today's read (``memo.Output``), under
        that read's key: the memo it came from, or the one ``_remember`` kept it as. A read not
        kept (something moved) keeps no output either."""
        from prehab.day import memo

        key = self._kept_read_key()
        if key is not None:
            memo.keep_beside(key, name, memo.Output(stdout, stderr, code))

    def keep_beside(self, name: str, value: Any) -> bool:
        """Keep ``value`` (made from today's read and more: the week, the latest check-in) as
        ``name`` beside that read, if nothing the day depends on moved since it was read but by
        this process's own writes (``memo_key`` checked now, after everything it was made from
        was read); False if it was not kept."""
        from prehab.day import memo

        key = self._kept_read_key()
        if key is None or self.memo_key() != key:
            return False
        return memo.keep_beside(key, name, value)

    def _kept_read_key(self) -> str | None:
        """The key today's read is kept under, or None: the read was not kept (something
        moved), or something changed in this process since."""
        return self._read_key if self._read_key_version == self.version else None

    def _remember(self, day: date, view: DayView, extras: Decorations) -> None:
        """Keep this read as today's memo, if this process keeps one and nothing it depends on
        moved while it was read (``memo_key``)."""
        if self._sources is None or day != self.today or not view.committed:
            return  # this process keeps no memo (``ha run``), or not of this day
        from prehab.day import memo

        kept_as = self._read_key  # the key of the memo this process recalled or kept last
        key = self._read_key = self.memo_key()
        self._read_key_version = self.version
        if key is None or key == kept_as:
            return  # something moved, or nothing did and the memo holds this very read
        kept = memo.Memo(
            day, view.to_json(), extras, list(self.problems), self.store_problems(),
            self.new_runner(), self._book is not None,
        )  # fmt: skip
        memo.keep(key, kept)

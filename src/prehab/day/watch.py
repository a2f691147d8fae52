"""Notice, cheaply, what changes today's advice while the app or ``prehab ha run`` runs.

- the history: SQLite's ``PRAGMA data_version`` on a connection of our own changes whenever
  any other connection (the app, ``prehab log``, an import, our own store) commits; a file
  replaced under the same name (a restored history) is noticed by its inode;
- the settings file and every rule and screen file: their (mtime, size, inode);
- the day: after midnight the plan is a new day's.

One poll is a pragma and a few ``stat`` calls (well under a millisecond), so it can run
every half second.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

Stamp = tuple[int, int, int] | None

HISTORY = "history"
SETTINGS = "settings"
RULES = "rules"
DAY = "day"


class Watcher:
    def __init__(
        self,
        database: Path,
        settings_file: Path,
        rule_dirs: Callable[[], list[Path]],
        clock: Callable[[], date] = date.today,
    ) -> None:
        self.database = database
        self.settings_file = settings_file
        self.rule_dirs = rule_dirs
        self.clock = clock
        self._conn: sqlite3.Connection | None = None
        self._db_stamp = _stamp(database)
        self._version = self._data_version()
        self._settings = _stamp(settings_file)
        self._rules = self._rule_stamps()
        self._day = clock()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def poll(self) -> set[str]:
        """What changed since the last poll: a set of HISTORY, SETTINGS, RULES, DAY."""
        changed: set[str] = set()
        db_stamp = _stamp(self.database)
        if db_stamp is not None and self._db_stamp is not None and db_stamp[2] != self._db_stamp[2]:
            self.close()  # another file now: its own data_version
            changed.add(HISTORY)
        self._db_stamp = db_stamp
        version = self._data_version()
        if version != self._version:
            changed.add(HISTORY)
            self._version = version
        settings = _stamp(self.settings_file)
        if settings != self._settings:
            changed.add(SETTINGS)
            self._settings = settings
        rules = self._rule_stamps()
        if rules != self._rules:
            changed.add(RULES)
            self._rules = rules
        day = self.clock()
        if day != self._day:
            changed.add(DAY)
            self._day = day
        return changed

    def _data_version(self) -> int | None:
        try:
            if self._conn is None:
                if not self.database.exists():
                    return None
                self._conn = sqlite3.connect(self.database, isolation_level=None, check_same_thread=False)
            row = self._conn.execute("PRAGMA data_version").fetchone()
            return int(row[0])
        except sqlite3.Error:
            self.close()
            return None

    def _rule_stamps(self) -> dict[str, Stamp]:
        stamps: dict[str, Stamp] = {}
        for folder in self.rule_dirs():
            if folder.is_file():
                stamps[str(folder)] = _stamp(folder)
            elif folder.is_dir():
                for path in sorted(folder.glob("*.toml")):
                    stamps[str(path)] = _stamp(path)
        return stamps


def _stamp(path: Path) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)

"""What every command shares: the one error type and its one-line format, the exit code, the
day a command is about, and opening the history.

Light on purpose (no rulebook, no store at import time): every CLI path imports it, and a
command's start-up time is mostly imports. A user's mistake is :class:`prehab.errors.UserError`
(and its kinds: a damaged store, a refused file, a TOML error); :func:`guard` turns it into
``prehab: error: <what> (<fix>)`` on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from prehab.errors import UserError

if TYPE_CHECKING:
    from pathlib import Path

    from prehab.store.db import Store

USAGE_ERROR = 2
"""The exit code of every mistake a user can fix (argparse's own too)."""


def path_arg(text: str) -> Path:
    """argparse's ``type`` for a path: ``pathlib`` loads when a path is given, not for every
    ``--help``."""
    from pathlib import Path

    return Path(text)


def error_line(message: str) -> str:
    """A user error as every command prints it."""
    from prehab.safe.text import clean_text

    return f"prehab: error: {clean_text(message)}"


def guard(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the errors a user can cause into one line and exit code 2, never a traceback."""

    def run(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except UserError as exc:  # StoreError, FileRefused, TomlError, ... are UserErrors
            print(error_line(str(exc)), file=sys.stderr)
            return USAGE_ERROR
        except BrokenPipeError:
            raise  # the reader went away (e.g. `| head`): the CLI exits quietly
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            detail = exc.strerror or str(exc)
            print(
                error_line(f"cannot use{where}: {detail}; ") + "check the path and its permissions",
                file=sys.stderr,
            )
            return USAGE_ERROR

    run.__doc__ = fn.__doc__
    return run


def parse_day(text: str, today: date | None = None) -> date:
    """YYYY-MM-DD, "today" or "yesterday"."""
    today = today or date.today()
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise UserError(f"{text!r} is not a date; write it as YYYY-MM-DD (e.g. 2024-05-31)") from None


def open_store(for_write: bool = False) -> Store:
    """The history. A damaged file is refused ``for_write`` (StoreDamaged says how to
    recover); to read it, that is a warning and the reads get every row that can be read."""
    from prehab.store.db import Store, StoreDamaged, damaged_message

    store = Store.open()
    if store.damaged:
        message = damaged_message(store.path, store.damaged)
        if for_write:
            store.close()
            raise StoreDamaged(message)
        print(f"prehab: warning: {message}", file=sys.stderr)
    return store


def warn_unreadable(store: Store) -> None:
    """One line per stored row a read met that does not parse: left out, never a stop."""
    from prehab.safe.text import clean_text

    for bad in sorted(store.unreadable.values(), key=lambda b: (b.table, b.id)):
        print(
            clean_text(f"prehab: warning: {bad}: left out (prehab export keeps it as written)"),
            file=sys.stderr,
        )

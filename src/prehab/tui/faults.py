"""A store fault in the app is a message, never the end of the app.

The CLI reports a busy, read-only, damaged or full history in one line; the app showed the same
faults as a traceback and exited (space on Today while an import held the lock). Every action
that writes, and every redraw that reads, goes through ``reports_faults``: a ``UserError`` (the
store's ``StoreError`` and its kinds among them) becomes a notification with the same one-line
message, and the app keeps running with nothing lost (a write either happened whole or not at all).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from prehab.model import UserError
from prehab.safe.text import clean_text

F = TypeVar("F", bound=Callable[..., Any])


def reports_faults(method: F) -> F:
    """``method`` (of a screen or the app), its ``UserError`` shown instead of raised."""

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except UserError as exc:
            app = getattr(self, "app", self)
            app.notify(clean_text(str(exc)), title="Not done", severity="error", timeout=12, markup=False)
            return None

    return cast(F, run)

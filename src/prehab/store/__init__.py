"""Durable history: the SQLite store of sessions, check-ins and done work.

Import from here: ``from prehab.store import Store, Session, validate_session``. ``Store``
(``store.db``) owns the one connection; each kind of record has its repository module beside
it (``store.sessions``, ``store.checkins``, ``store.done``, ``store.dayplans``, ...). The
settings live in ``prehab.settings``; ``Settings``, ``load_settings`` and ``save_settings`` are
also importable from here, as they were before they moved (imported when first asked for).
"""

from typing import TYPE_CHECKING, Any

from prehab.store.db import Store, StoreError
from prehab.store.records import (
    KINDS,
    RUN_KINDS,
    SURFACES,
    Checkin,
    ImportCount,
    Session,
    validate_session,
)

if TYPE_CHECKING:
    from prehab.settings import Settings, load_settings, save_settings

__all__ = [
    "KINDS",
    "RUN_KINDS",
    "SURFACES",
    "Checkin",
    "ImportCount",
    "Session",
    "Settings",
    "Store",
    "StoreError",
    "load_settings",
    "save_settings",
    "validate_session",
]


_FROM_SETTINGS = frozenset({"Settings", "load_settings", "save_settings"})


def __getattr__(name: str) -> Any:
    """The settings' names, imported when asked for: opening the history needs none of them."""
    if name in _FROM_SETTINGS:
        import prehab.settings

        return getattr(prehab.settings, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

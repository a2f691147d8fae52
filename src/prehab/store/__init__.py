"""Durable history: the SQLite store of sessions, check-ins and done work.

Import from here: ``from prehab.store import Store, Session, validate_session``. ``Store``
(``store.db``) owns the one connection; each kind of record has its repository module beside
it (``store.sessions``, ``store.checkins``, ``store.done``, ``store.dayplans``, ...). The
settings live in ``prehab.settings``; ``Settings``, ``load_settings`` and ``save_settings`` are
also importable from here, as they were before they moved.

Every name is imported when it is first asked for: importing any module of this package
(``store.schema``, for the day memo's read of the history's revision) runs this file first, and
that read needs neither the ``Store`` and its repositories nor the settings.
"""

from typing import TYPE_CHECKING

from prehab.lazy import names_from

if TYPE_CHECKING:
    from prehab.settings import Settings, load_settings, save_settings
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

__getattr__ = names_from(
    __name__,
    {
        "Store": "prehab.store.db",
        "StoreError": "prehab.store.db",
        "KINDS": "prehab.store.records",
        "RUN_KINDS": "prehab.store.records",
        "SURFACES": "prehab.store.records",
        "Checkin": "prehab.store.records",
        "ImportCount": "prehab.store.records",
        "Session": "prehab.store.records",
        "validate_session": "prehab.store.records",
        "Settings": "prehab.settings",
        "load_settings": "prehab.settings",
        "save_settings": "prehab.settings",
    },
)

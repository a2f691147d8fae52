"""Durable history: the SQLite store of sessions, check-ins and done work, and settings.

Import from here: ``from prehab.store import Store, Session, validate_session``.
"""

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
from prehab.store.settings import Settings, load_settings, save_settings

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

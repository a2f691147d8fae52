"""Where prehab keeps things: the shipped pack, the user's config and data directories.

Overrides exist so tests, CI and people with several profiles never touch the real home
directory: ``--data-dir``/``PREHAB_DATA_DIR``, ``--config-dir``/``PREHAB_CONFIG_DIR`` and
``PREHAB_CACHE_DIR`` (the checked rule pack, ``rulebook/packcache``: safe to delete).
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "prehab"
_PACKAGE_DATA = Path(__file__).resolve().parent / "data"


def default_rules_dir() -> Path:
    """The rule pack shipped with the package (``rules/`` in the checkout)."""
    return (_PACKAGE_DATA / "rules").resolve()


def default_screens_dir() -> Path:
    """The questionnaires shipped with the package (``screens/`` in the checkout)."""
    return (_PACKAGE_DATA / "screens").resolve()


def config_dir() -> Path:
    env = os.environ.get("PREHAB_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP)


def data_dir() -> Path:
    env = os.environ.get("PREHAB_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP)


def cache_dir() -> Path:
    """Where prehab keeps what it can rebuild (the checked rule pack): deleting it only costs
    the next start the time of a full load."""
    env = os.environ.get("PREHAB_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_path  # imported on use, like the two below

    return user_cache_path(APP)


def user_rules_dir() -> Path:
    """The user's own rules and overrides; they win over the defaults by id."""
    return config_dir() / "rules"


def user_screens_dir() -> Path:
    return config_dir() / "screens"


def default_rule_layers() -> list[Path]:
    """The rule layers a day is read with: the shipped pack, then the user's rules (which win
    by id). ``rulebook.default_layers`` and the day memo's key both start here."""
    return [default_rules_dir(), user_rules_dir()]


def default_screen_dirs() -> list[Path]:
    """The shipped screens, then the user's, which replace shipped screens by id."""
    return [default_screens_dir(), user_screens_dir()]


def settings_file() -> Path:
    return config_dir() / "settings.toml"


def database_file() -> Path:
    return data_dir() / "prehab.sqlite3"

"""The runner's settings: units, time, kit, goal, schedule, the broker, the guided session.

Import from here: ``from prehab.settings import Settings, load_settings, save_settings``.

- ``settings.model``: the ``Settings`` record, the words of its values, the kit it allows;
- ``settings.spec``: one entry per setting (label, meaning, kind, range or choices,
  placeholder), which everything below and the app's Settings screen read;
- ``settings.values``: typed text to value and back, and the one validator (``check_value``);
- ``settings.file``: settings.toml, read without failing and saved atomically, comments kept.

A new setting is a field of ``Settings`` and one entry of ``spec.SPECS``.
"""

from prehab.settings.file import atomic_write, load_settings, save_settings, settings_text, settings_to_dict
from prehab.settings.model import (
    ANY_KIT,
    EXPERIENCE,
    NO_KIT,
    NO_KIT_WORDS,
    UNITS,
    WEEKDAYS,
    Settings,
    equipment_kit,
    setting_keys,
)
from prehab.settings.spec import MAX_STEP, MEANINGS, SPECS, SettingError, SettingSpec
from prehab.settings.values import (
    NONE_WORDS,
    STANDARD,
    blocking_problems,
    check_entry,
    check_value,
    format_value,
    parse_text,
    unknown_names,
    with_value,
)

__all__ = [
    "ANY_KIT",
    "EXPERIENCE",
    "MAX_STEP",
    "MEANINGS",
    "NONE_WORDS",
    "NO_KIT",
    "NO_KIT_WORDS",
    "SPECS",
    "STANDARD",
    "UNITS",
    "WEEKDAYS",
    "SettingError",
    "SettingSpec",
    "Settings",
    "atomic_write",
    "blocking_problems",
    "check_entry",
    "check_value",
    "equipment_kit",
    "format_value",
    "load_settings",
    "parse_text",
    "save_settings",
    "setting_keys",
    "settings_text",
    "settings_to_dict",
    "unknown_names",
    "with_value",
]

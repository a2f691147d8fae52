"""The runner's settings as prehab reads them: one record, the words of its values, the kit.

What each field means, which values it takes and how it is typed is its entry in
``settings.spec``; the file it is kept in is ``settings.file``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from prehab.record import Record, field, fields

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
UNITS = ("km", "mi")
EXPERIENCE = ("beginner", "intermediate", "advanced")
ANY_KIT = "any"
"""``equipment = "any"``: any kit may be planned (kept as an empty list; older files wrote ``[]``)."""
NO_KIT = "none"
"""``equipment = "none"``: bodyweight only (kept as ``["none"]``, which no exercise needs)."""
NO_KIT_WORDS = (NO_KIT, "bodyweight")


class Settings(Record):
    """What the runner told us once and we keep: units, time, kit, goal, schedule."""

    units: Literal["km", "mi"] = "km"
    time_budget_min: int = 30
    equipment: list[str] = field(default_factory=list)
    """The kit the runner has; ``[]`` is any kit, ``["none"]`` bodyweight only (``equipment_kit``)."""
    experience: Literal["beginner", "intermediate", "advanced"] = "beginner"
    goal_race_date: date | None = None
    home_only: bool = False
    key_run_days: list[str] = field(default_factory=list)
    strength_weeks: int = 0
    mqtt_host: str = "localhost"
    mqtt_port: int = 1883
    mqtt_tls: bool = False
    mqtt_username: str = ""
    mqtt_password_file: str = ""
    """A file holding the broker's password: the password itself is never in settings.toml."""
    ha_name: str = ""
    """This runner's name in Home Assistant when several share a broker ("": the only one)."""
    weight_units: Literal["kg", "lb"] = "kg"
    load_step_dumbbell: float | None = None
    """The next dumbbell load step in ``weight_units`` (None: standard, 2 kg or 5 lb)."""
    load_step_barbell: float | None = None
    load_step_kettlebell: float | None = None
    rest_strength_s: int = 90
    """Rest between sets of strength and jumping work in the guided session, in seconds."""
    rest_mobility_s: int = 15
    bell: bool = True
    """Ring the terminal bell when a countdown of the guided session ends."""


def setting_keys() -> list[str]:
    return [f.name for f in fields(Settings)]


def equipment_kit(equipment: list[str], home_only: bool) -> frozenset[str] | None:
    """The kit the planner may use for the setting ``equipment``: None is any kit.

    ``any`` (``[]``) is any kit, or bodyweight only when training at home only; ``none`` is
    bodyweight only; a list is that kit (and bodyweight). ``prehab recommend --equipment``,
    the app and the settings all go through here, so the same words mean the same kit.
    """
    if equipment == [NO_KIT]:
        return frozenset()
    if home_only or equipment:
        return frozenset(equipment)
    return None

"""One entry per setting: its name, what it means, which values it takes and how it is typed.

Everything that knows about a setting reads its entry here: the one validator
(``settings.values.check_value``, for the file, ``prehab settings set`` and the app's Settings
screen alike), typed text to a value and back (``parse_text``, ``format_value``), the meanings
``prehab settings`` lists (``MEANINGS``), and the Settings screen's labels, placeholders and
selects. A new setting is a field of ``settings.model.Settings`` and one entry of ``SPECS``
(a test checks that every field has one, in the same order).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, Literal

from prehab.record import Record
from prehab.settings.model import EXPERIENCE, UNITS, WEEKDAYS, Settings
from prehab.workout.weights import WEIGHT_UNITS

Kind = Literal["choice", "int", "step", "bool", "date", "list", "kit", "text"]
MAX_STEP = 50.0
"""The largest load step, in either weight unit."""


class SettingError(ValueError):
    """A value a setting cannot take: what is wrong and the fix (CLI, app and file alike)."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(f"{message} ({fix})" if fix else message)
        self.message = message
        self.fix = fix


class SettingSpec(Record, frozen=True):
    """What one setting is, for every place that reads, checks, shows or asks for it."""

    key: str
    label: str
    """Its name in the app's Settings screen."""
    meaning: str
    """One line: what it means and the values it takes (``prehab settings``, the form's help)."""
    kind: Kind
    """What its values are (``settings.values`` checks each kind):

    - choice: one of ``choices``;
    - int: a whole number from ``low`` to ``high``;
    - step: a number above ``low`` and up to ``high`` in the weight units, or standard (None);
    - bool: true or false;
    - date: a day (YYYY-MM-DD), or none;
    - list: a list of ``choices`` (none: the empty list);
    - kit: a list of kit names, any (any kit: ``[]``) or none (bodyweight only: ``["none"]``);
    - text: one line of text (``optional``: none clears it), then its own ``check``.
    """
    noun: str = ""
    """What one good value is called in a refusal: "'x' is not a {noun}"."""
    choices: tuple[str, ...] = ()
    low: float = 0
    high: float = 0
    amount: str = ""
    """How a whole number is counted in a refusal's fix: "give {amount} from {low} to {high}"."""
    example: str = ""
    """A good value, for a refusal's fix."""
    placeholder: str = ""
    """What the Settings screen shows in the empty field."""
    optional: bool = False
    """A text that may be empty: none clears it."""
    check: Callable[[str, str], None] | None = None
    """A text's own check, given the value as it came and stripped; raises SettingError."""
    hide_value: bool = False
    """A refusal never repeats the value: a password typed here by mistake stays out of the
    terminal, the logs and the day memo (which keeps what a command printed)."""

    @property
    def select(self) -> bool:
        """Whether the Settings screen offers it as a select of its ``options``."""
        return self.kind in ("choice", "bool")

    def options(self) -> tuple[str, ...]:
        """A select's options: the choices, or true and false with the default first."""
        if self.kind == "bool":
            return ("true", "false") if getattr(Settings(), self.key) else ("false", "true")
        return self.choices


# -- the checks of single settings --------------------------------------------------------------

_HOST = re.compile(r"[A-Za-z0-9._:\[\]%-]{1,253}")
_HA_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


def _host(value: str, text: str) -> None:
    if not _HOST.fullmatch(text):
        raise SettingError(
            f"{shown(value)} is not a host name or address", "e.g. localhost, 192.168.1.10 or ha.local"
        )


def _user_name(value: str, text: str) -> None:
    if len(text) > 256:
        raise SettingError("is longer than 256 characters", "give your user name at the broker")


def _password_file(value: str, text: str) -> None:
    if text and not (text.startswith(("/", "~")) and len(text) <= 4096):
        raise SettingError(
            "is not a full path, and is not repeated here in case it is the password itself",
            "give the path from / or ~ of a file holding only the password, "
            "e.g. ~/.config/prehab/mqtt-password",
        )


def _ha_name(value: str, text: str) -> None:
    if text and not _HA_NAME.fullmatch(text):
        raise SettingError(
            f"{shown(value)} is not a short name",
            "use up to 32 lowercase letters, digits, - and _, e.g. alice",
        )


# -- every setting, in the order of ``Settings`` ----------------------------------------------


_SPECS = (
    SettingSpec(
        "units",
        "Units",
        "km or mi, for distances everywhere",
        "choice",
        noun="unit",
        choices=UNITS,
    ),
    SettingSpec(
        "time_budget_min",
        "Time budget (min a day)",
        "minutes a day for strength and mobility (1-600)",
        "int",
        noun="time budget",
        low=1,
        high=600,
        amount="whole minutes",
        example="30",
        placeholder="1-600",
    ),
    SettingSpec(
        "equipment",
        "Equipment",
        "kit you have, e.g. band,step,dumbbell; any: any kit; none: bodyweight only",
        "kit",
        placeholder="band,step / any / none",
    ),
    SettingSpec(
        "experience",
        "Experience",
        "beginner, intermediate or advanced at strength work",
        "choice",
        noun="level",
        choices=EXPERIENCE,
    ),
    SettingSpec(
        "goal_race_date",
        "Goal race date",
        "your goal race as YYYY-MM-DD, or none",
        "date",
        example="2027-04-12",
        placeholder="YYYY-MM-DD or none",
    ),
    SettingSpec(
        "home_only",
        "Home only",
        "true: you train at home, so only the kit listed (bodyweight if any)",
        "bool",
    ),
    SettingSpec(
        "key_run_days",
        "Key run days",
        "days of your key runs, e.g. sunday,wednesday: no strength the day before",
        "list",
        noun="weekday",
        choices=WEEKDAYS,
        example='["tuesday", "sunday"]',
    ),
    SettingSpec(
        "strength_weeks",
        "Strength weeks so far",
        "weeks of regular strength training so far (0-520)",
        "int",
        noun="number of weeks",
        high=520,
        amount="a whole number",
        placeholder="0-520",
    ),
    SettingSpec(
        "mqtt_host",
        "MQTT broker (Home Assistant)",
        "the MQTT broker Home Assistant uses, for prehab ha (name or address)",
        "text",
        example="localhost",
        check=_host,
    ),
    SettingSpec(
        "mqtt_port",
        "MQTT port",
        "the broker's port (1883; usually 8883 with TLS)",
        "int",
        noun="port",
        low=1,
        high=65535,
        amount="a number",
        example="1883",
        placeholder="1883",
    ),
    SettingSpec(
        "mqtt_tls",
        "MQTT over TLS",
        "true: talk to the broker over TLS (its certificate is checked)",
        "bool",
    ),
    SettingSpec(
        "mqtt_username",
        "MQTT user name",
        "your user name at the broker, or none",
        "text",
        optional=True,
        example="prehab",
        placeholder="none",
        check=_user_name,
    ),
    SettingSpec(
        "mqtt_password_file",
        "MQTT password file",
        "a file holding the broker password (never the password itself), or none",
        "text",
        optional=True,
        example="~/.config/prehab/mqtt-password",
        placeholder="~/.config/prehab/mqtt-password or none",
        check=_password_file,
        hide_value=True,
    ),
    SettingSpec(
        "ha_name",
        "Name in Home Assistant",
        "this runner's name in Home Assistant when several share a broker, or none",
        "text",
        optional=True,
        example="alice",
        placeholder="none (only one runner)",
        check=_ha_name,
    ),
    SettingSpec(
        "weight_units",
        "Weight units",
        "kg or lb, for the loads you lift",
        "choice",
        noun="unit",
        choices=WEIGHT_UNITS,
    ),
    SettingSpec(
        "load_step_dumbbell",
        "Dumbbell load step",
        "how much a dumbbell load climbs in one step, or standard (2 kg / 5 lb)",
        "step",
        noun="load step",
        high=MAX_STEP,
        example="2.5",
        placeholder="standard",
    ),
    SettingSpec(
        "load_step_barbell",
        "Barbell load step",
        "how much a barbell load climbs in one step, or standard (2.5 kg / 5 lb)",
        "step",
        noun="load step",
        high=MAX_STEP,
        example="2.5",
        placeholder="standard",
    ),
    SettingSpec(
        "load_step_kettlebell",
        "Kettlebell load step",
        "how much a kettlebell load climbs in one step, or standard (4 kg / 10 lb)",
        "step",
        noun="load step",
        high=MAX_STEP,
        example="2.5",
        placeholder="standard",
    ),
    SettingSpec(
        "rest_strength_s",
        "Rest, strength (s)",
        "rest between sets of strength work in the guided session, seconds (0-600)",
        "int",
        noun="rest",
        high=600,
        amount="whole seconds",
        example="90",
        placeholder="0-600",
    ),
    SettingSpec(
        "rest_mobility_s",
        "Rest, mobility (s)",
        "rest between sets of mobility work in the guided session, seconds (0-600)",
        "int",
        noun="rest",
        high=600,
        amount="whole seconds",
        example="90",
        placeholder="0-600",
    ),
    SettingSpec(
        "bell",
        "Bell when a timer ends",
        "true: the terminal bell rings when a countdown of the guided session ends",
        "bool",
    ),
)
SPECS: dict[str, SettingSpec] = {s.key: s for s in _SPECS}
"""Every setting's entry by its key, in the order of ``Settings``."""
MEANINGS: dict[str, str] = {s.key: s.meaning for s in _SPECS}
"""One line per setting saying what it means, in the order of ``Settings``."""


# -- refusals' words -------------------------------------------------------------------------


def shown(value: Any) -> str:
    """``repr(value)``, cut short: a 5,000-digit number stays one readable line."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:24]}...{text[-6:]} ({len(text)} characters)"


def choice_fix(value: Any, choices: Iterable[str]) -> str:
    from prehab.rulebook.suggest import did_you_mean

    return did_you_mean(str(value), choices)

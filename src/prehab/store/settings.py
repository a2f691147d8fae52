"""The runner's settings: a small TOML file they may also edit by hand.

Reading never fails: a bad file or a bad value (even a 5,000-digit number or a FIFO named
settings.toml) becomes a Problem with the file, the line and a fix, and the default for that
value is kept. Saving respects the file as its owner wrote it: only the lines of
the changed keys are rewritten (a missing key is added), so comments and layout stay; if that
cannot be done safely, nothing is written and the error says so. Writing is atomic (temp file,
fsync, replace, through a symlink to its target, the file's mode kept) so a crash mid-save
leaves the old file, never half a file.

One validator, ``check_value``, judges every value: the file's (here), and what a person types
at ``prehab settings set`` or in the app's Settings screen (after ``parse_text`` has turned the
text into the TOML value it stands for), so all three accept the same values, with the same
messages and fixes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import tomli_w

from prehab.model import Problem
from prehab.safefile import FileRefused, write_target
from prehab.safefile import atomic_write as _atomic_write
from prehab.tomlsafe import TomlError, parse_toml, read_text, scan_lines
from prehab.workout.weights import WEIGHT_UNITS

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


@dataclass
class Settings:
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


class SettingError(ValueError):
    """A value a setting cannot take: what is wrong and the fix (CLI, app and file alike)."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(f"{message} ({fix})" if fix else message)
        self.message = message
        self.fix = fix


MEANINGS: dict[str, str] = {
    "units": "km or mi, for distances everywhere",
    "time_budget_min": "minutes a day for strength and mobility (1-600)",
    "equipment": "kit you have, e.g. band,step,dumbbell; any: any kit; none: bodyweight only",
    "experience": "beginner, intermediate or advanced at strength work",
    "goal_race_date": "your goal race as YYYY-MM-DD, or none",
    "home_only": "true: you train at home, so only the kit listed (bodyweight if any)",
    "key_run_days": "days of your key runs, e.g. sunday,wednesday: no strength the day before",
    "strength_weeks": "weeks of regular strength training so far (0-520)",
    "mqtt_host": "the MQTT broker Home Assistant uses, for prehab ha (name or address)",
    "mqtt_port": "the broker's port (1883; usually 8883 with TLS)",
    "mqtt_tls": "true: talk to the broker over TLS (its certificate is checked)",
    "mqtt_username": "your user name at the broker, or none",
    "mqtt_password_file": "a file holding the broker password (never the password itself), or none",
    "ha_name": "this runner's name in Home Assistant when several share a broker, or none",
    "weight_units": "kg or lb, for the loads you lift",
    "load_step_dumbbell": "how much a dumbbell load climbs in one step, or standard (2 kg / 5 lb)",
    "load_step_barbell": "how much a barbell load climbs in one step, or standard (2.5 kg / 5 lb)",
    "load_step_kettlebell": "how much a kettlebell load climbs in one step, or standard (4 kg / 10 lb)",
    "rest_strength_s": "rest between sets of strength work in the guided session, seconds (0-600)",
    "rest_mobility_s": "rest between sets of mobility work in the guided session, seconds (0-600)",
    "bell": "true: the terminal bell rings when a countdown of the guided session ends",
}
"""One line per setting saying what it means, in the order of ``Settings``."""

CHOICES: dict[str, tuple[str, ...]] = {"units": UNITS, "experience": EXPERIENCE, "weight_units": WEIGHT_UNITS}
LIST_KEYS = ("equipment", "key_run_days")
NONE_WORDS = ("", "none", "-")
INT_KEYS = ("time_budget_min", "strength_weeks", "mqtt_port", "rest_strength_s", "rest_mobility_s")
BOOL_KEYS = ("home_only", "mqtt_tls", "bell")
STEP_KEYS = ("load_step_dumbbell", "load_step_barbell", "load_step_kettlebell")
"""Load steps: a number in ``weight_units``, or ``standard`` (None)."""
STANDARD = "standard"
MAX_STEP = 50.0
OPTIONAL_TEXT_KEYS = ("mqtt_username", "mqtt_password_file", "ha_name")
"""Text settings that may be empty: ``none`` clears them."""
_HOST = re.compile(r"[A-Za-z0-9._:\[\]%-]{1,253}")
_HA_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


def setting_keys() -> list[str]:
    return [f.name for f in fields(Settings)]


def check_value(key: str, value: Any) -> Any:
    """The value ``key`` keeps for ``value`` (normalised), or SettingError.

    The one validator: ``load_settings`` runs it on each value in the file, and the CLI and
    the app run it on what the user typed (after ``parse_text``), so all three accept the
    same values and give the same messages.
    """
    if key in CHOICES:
        if value not in CHOICES[key]:
            what = "unit" if key in ("units", "weight_units") else "level"
            raise SettingError(f"{_shown(value)} is not a {what}", _choice_fix(value, CHOICES[key]))
        return value
    if key == "time_budget_min":
        if not _is_int(value) or not 0 < value <= 600:
            raise SettingError(
                f"{_shown(value)} is not a time budget", "give whole minutes from 1 to 600, e.g. 30"
            )
        return value
    if key == "strength_weeks":
        if not _is_int(value) or not 0 <= value <= 520:
            raise SettingError(
                f"{_shown(value)} is not a number of weeks", "give a whole number from 0 to 520"
            )
        return value
    if key in ("rest_strength_s", "rest_mobility_s"):
        if not _is_int(value) or not 0 <= value <= 600:
            raise SettingError(f"{_shown(value)} is not a rest", "give whole seconds from 0 to 600, e.g. 90")
        return value
    if key in STEP_KEYS:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_STEP:
            raise SettingError(
                f"{_shown(value)} is not a load step",
                f"give a number above 0 and up to {MAX_STEP:g} in your weight units, e.g. 2.5, or standard",
            )
        return float(value)
    if key in BOOL_KEYS:
        if not isinstance(value, bool):
            raise SettingError(f"{_shown(value)} is not true or false", "use true or false")
        return value
    if key == "goal_race_date":
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        if isinstance(value, str) and _iso_date(value) is not None:
            raise SettingError("is quoted text, not a date", f"write it without quotes: {key} = {value}")
        if isinstance(value, datetime):
            raise SettingError("has a time of day", f"give the day only, e.g. {value.date().isoformat()}")
        raise SettingError(f"{_shown(value)} is not a date", "give it as YYYY-MM-DD, e.g. 2027-04-12")
    if key == "equipment":
        return _check_equipment(value)
    if key == "key_run_days":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingError("must be a list of weekday names", 'e.g. key_run_days = ["tuesday", "sunday"]')
        days = _unique(v.strip().lower() for v in value)
        for day in days:
            if day not in WEEKDAYS:
                raise SettingError(f"{_shown(day)} is not a weekday", _choice_fix(day, WEEKDAYS))
        return days
    if key in ("mqtt_host", "mqtt_port", "mqtt_username", "mqtt_password_file", "ha_name"):
        return _check_mqtt(key, value)
    raise SettingError(f"no setting {_shown(key)}", _unknown_key_fix(key))


def _check_equipment(value: Any) -> list[str]:
    """A kit list, ``"any"`` (any kit: ``[]``) or ``"none"`` (bodyweight only: ``["none"]``)."""
    if isinstance(value, str) and value.strip().lower() in (ANY_KIT, *NO_KIT_WORDS):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingError("must be a list of names, any or none", 'e.g. equipment = ["dumbbell", "band"]')
    names = _unique(v.strip().lower() for v in value if v.strip())
    names = [NO_KIT if n in NO_KIT_WORDS else n for n in names]
    special = [n for n in names if n in (ANY_KIT, NO_KIT)]
    if special and len(names) > 1:
        what = "any kit" if special[0] == ANY_KIT else "bodyweight only"
        raise SettingError(
            f"{special[0]} ({what}) cannot be listed with other kit", "give any, none or a list of kit"
        )
    return [] if names == [ANY_KIT] else names


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


def check_entry(key: str, value: Any, today: date | None = None) -> Any:
    """``check_value`` for a value being set now (the CLI, the app), with what only a new
    value must meet: a goal race date is not in the past (the file's own date may pass)."""
    value = check_value(key, value)
    today = today or date.today()
    if key == "goal_race_date" and value is not None and value < today:
        raise SettingError(
            f"{value.isoformat()} is in the past",
            f"give your next race, on or after {today.isoformat()}, or none",
        )
    return value


def _check_mqtt(key: str, value: Any) -> Any:
    """The broker settings of ``prehab ha`` (see ``check_value``)."""
    if key == "mqtt_port":
        if not _is_int(value) or not 0 < value <= 65535:
            raise SettingError(f"{_shown(value)} is not a port", "give a number from 1 to 65535, e.g. 1883")
        return value
    if not isinstance(value, str) or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise SettingError(f"{_shown(value)} is not one line of text", f'e.g. {key} = "{_EXAMPLES[key]}"')
    text = value.strip()
    if key == "mqtt_host" and not _HOST.fullmatch(text):
        raise SettingError(
            f"{_shown(value)} is not a host name or address", "e.g. localhost, 192.168.1.10 or ha.local"
        )
    if key == "mqtt_username" and len(text) > 256:
        raise SettingError("is longer than 256 characters", "give your user name at the broker")
    if key == "mqtt_password_file" and text and not (text.startswith(("/", "~")) and len(text) <= 4096):
        raise SettingError(
            f"{_shown(value)} is not a full path",
            "give the path from / or ~ of a file holding only the password, "
            "e.g. ~/.config/prehab/mqtt-password",
        )
    if key == "ha_name" and text and not _HA_NAME.fullmatch(text):
        raise SettingError(
            f"{_shown(value)} is not a short name",
            "use up to 32 lowercase letters, digits, - and _, e.g. alice",
        )
    return text


_EXAMPLES = {
    "mqtt_host": "localhost",
    "mqtt_username": "prehab",
    "mqtt_password_file": "~/.config/prehab/mqtt-password",
    "ha_name": "alice",
}


def parse_text(key: str, text: str) -> Any:
    """What a person typed for ``key`` as the TOML value it stands for, without judging it.

    Text that does not convert is returned as it is, so ``check_value`` gives the message:
    ``"25"`` -> 25, ``"band, step"`` -> ["band", "step"], ``"none"`` -> [] or None.
    """
    word = text.strip()
    if key == "equipment" and word.lower() in ("", "-", ANY_KIT):
        return []
    if key == "equipment" and word.lower() in NO_KIT_WORDS:
        return [NO_KIT]
    if key in LIST_KEYS:
        if word.lower() in NONE_WORDS:
            return []
        return [part for part in re.split(r"[,\s]+", word) if part]
    if key == "goal_race_date":
        if word.lower() in NONE_WORDS:
            return None
        return _iso_date(word) or word
    if key in BOOL_KEYS:
        return {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}.get(
            word.lower(), word
        )
    if key in OPTIONAL_TEXT_KEYS and word.lower() in NONE_WORDS:
        return ""
    if key in STEP_KEYS:
        if word.lower() in (*NONE_WORDS, STANDARD):
            return None
        return float(word) if re.fullmatch(r"\d{1,3}(\.\d{1,3})?", word) else word
    if key in INT_KEYS:
        # a number of more than 18 digits is out of every range; int() of 4,300+ digits raises
        return int(word) if re.fullmatch(r"[+-]?\d{1,18}", word) else word
    if key in CHOICES:
        return word.lower()
    return word


def format_value(key: str, value: Any) -> str:
    """A value as a person types it (the inverse of ``parse_text``)."""
    if key == "equipment" and value == []:
        return ANY_KIT
    if isinstance(value, list):
        return ",".join(value) if value else "none"
    if value is None and key in STEP_KEYS:
        return STANDARD
    if isinstance(value, float):
        return f"{value:g}"
    if value is None or (value == "" and key in OPTIONAL_TEXT_KEYS):
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def with_value(settings: Settings, key: str, text: str) -> Settings:
    """A copy of ``settings`` with ``key`` set from typed ``text``; SettingError if it is wrong."""
    if key not in setting_keys():
        raise SettingError(f"no setting {_shown(key)}", _unknown_key_fix(key))
    return replace(settings, **{key: check_entry(key, parse_text(key, text))})


def blocking_problems(problems: list[Problem], keys: list[str]) -> list[Problem]:
    """Problems a save would paper over: the file could not be read, or a value or an unknown
    setting other than ``keys`` would be replaced by its default or dropped."""
    return [p for p in problems if p.path not in keys]


def unknown_names(names: list[str], known: set[str]) -> list[str]:
    """One hint per name in ``names`` no exercise uses (e.g. a typo in ``equipment``)."""
    return [
        f"no exercise uses {_shown(n)} ({_choice_fix(n, known)})"
        for n in names
        if n not in known and n not in (ANY_KIT, NO_KIT)
    ]


def _unknown_key_fix(key: str, in_file: bool = False) -> str:
    if "password" in key.lower() and key != "mqtt_password_file":
        where = "remove it from settings.toml; " if in_file else ""
        return f"{where}put the password in a file only you can read and set mqtt_password_file to its path"
    hint = _choice_fix(key, setting_keys())
    if hint.startswith("did you mean"):
        return hint
    return ("remove it; " if in_file else "") + f"settings are {', '.join(setting_keys())}"


def _choice_fix(value: Any, choices: Iterable[str]) -> str:
    from prehab.rulebook.suggest import did_you_mean

    return did_you_mean(str(value), choices)


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _default_path(path: Path | None) -> Path:
    if path is not None:
        return Path(path)
    from prehab.paths import settings_file

    return settings_file()


def load_settings(path: Path | None = None) -> tuple[Settings, list[Problem]]:
    """The settings in ``path`` (defaults where missing or wrong) and every problem found."""
    path = _default_path(path)
    settings = Settings()
    try:
        os.lstat(path)
    except FileNotFoundError:
        return settings, []
    except OSError:
        pass  # e.g. no permission on a folder on the way: read_text says so
    try:
        text = read_text(path)
        data = parse_toml(text, str(path))
    except TomlError as exc:
        return settings, [_file_problem(path, exc)]
    problems: list[Problem] = []
    known = setting_keys()
    for key, value in data.items():
        line = _line_of(text, key)
        if key not in known:
            problems.append(
                Problem(
                    str(path),
                    line,
                    key,
                    "unknown setting",
                    _unknown_key_fix(key, in_file=True),
                    "warning",
                )
            )
            continue
        try:
            setattr(settings, key, check_value(key, value))
        except SettingError as exc:
            problems.append(Problem(str(path), line, key, exc.message, exc.fix))
    return settings, problems


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _line_of(text: str, key: str) -> int | None:
    """The line a top-level key is set on (tomllib gives lines only for syntax errors)."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """The TOML shape of ``settings`` (unset values left out: TOML has no null)."""
    out: dict[str, Any] = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if value is not None:
            out[f.name] = _file_value(f.name, value)
    return out


def _file_value(key: str, value: Any) -> Any:
    """A setting as the file keeps it: equipment reads ``"any"`` or ``"none"`` there, not ``[]``."""
    if key == "equipment" and value in ([], [NO_KIT]):
        return ANY_KIT if value == [] else NO_KIT
    return value


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write ``settings`` atomically: the file is the old one or the new one, never half.

    An existing file keeps its comments and layout: only the lines of keys whose value
    changes are rewritten, a key that is missing is added, a cleared one (no goal race date)
    removed. FileRefused (an OSError and a UserError) if the file is not a regular file, cannot
    be read, is not valid TOML, or cannot be edited that way; nothing is written then.
    """
    path = _default_path(path)
    _, existing = write_target(path)
    if existing is None:
        atomic_write(path, tomli_w.dumps(settings_to_dict(settings)).encode("utf-8"))
        return
    try:
        text = read_text(path)
    except TomlError as exc:
        raise FileRefused(path, exc.problem.message, "check the file and its permissions") from None
    new_text = settings_text(text, settings, str(path))
    if new_text != text:
        atomic_write(path, new_text.encode("utf-8"))


def atomic_write(path: Path, data: bytes, make_parents: bool = True) -> None:
    """Replace ``path`` with ``data`` via a synced temp file next to the real file (see
    ``prehab.safefile.atomic_write``: symlinks followed, mode kept, non-regular files refused)."""
    _atomic_write(path, data, make_parents)


def settings_text(text: str, settings: Settings, file: str = "settings.toml") -> str:
    """``text`` (a settings file) changed to hold ``settings``, touching only changed keys.

    FileRefused if ``text`` is not valid TOML or a key cannot be changed without disturbing
    the rest (say, it is set inside a table): the caller then writes nothing.
    """
    try:
        data = parse_toml(text, file)
    except TomlError as exc:
        raise FileRefused(
            file, f"cannot save: {exc.problem}", "fix the file first; saving would lose what is in it"
        ) from None
    defaults = Settings()
    lines = text.split("\n")
    for key in setting_keys():
        want = getattr(settings, key)
        if key in data:
            try:
                if check_value(key, data[key]) == want:
                    continue
            except SettingError:
                pass
        elif want is None or want == getattr(defaults, key):
            continue
        lines = _set_line(lines, key, _file_value(key, want), file)
    new_text = "\n".join(lines)
    _check_edit(data, new_text, settings, file)
    return new_text


def _set_line(lines: list[str], key: str, value: Any, file: str) -> list[str]:
    """``lines`` with ``key = value`` at the top level: the key's own lines replaced (a
    trailing comment kept), added after the last top-level key if missing, removed if None."""
    scans = scan_lines("\n".join(lines))
    raw_key = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
    code_key = re.compile(rf"""^\s*(?:{re.escape(key)}|"_"|'_')\s*=""")
    found: tuple[int, int] | None = None
    top_end = 0  # the line after the last top-level key/value
    depth = 0
    i = 0
    while i < len(lines):
        start, scan = i, scans[i]
        if scan.code.strip().startswith("["):
            break  # the first [table]: top-level keys all come before it
        depth = _brackets(scan.code, 0)
        while i + 1 < len(lines) and (depth > 0 or scans[i].in_string):  # a value over lines
            i += 1
            depth = _brackets(scans[i].code, depth)
        if "=" in scan.code:
            top_end = i + 1
            if raw_key.match(lines[start]) and code_key.match(scan.code):
                if found is not None:
                    raise _layout_error(file, key, value)
                found = (start, i)
        i += 1
    newline = "\r" if lines and lines[0].endswith("\r") else ""
    new = [] if value is None else [f"{key} = {_toml_value(value)}"]
    if found is None:
        if not new:
            return lines
        at = top_end or (len(lines) - 1 if lines[-1] == "" else len(lines))
        if at == len(lines) and lines[-1] != "":
            lines = [*lines[:-1], lines[-1] + newline]
        return lines[:at] + [new[0] + newline] + lines[at:]
    start, end = found
    first, last = lines[start], lines[end]
    indent = first[: len(first) - len(first.lstrip())]
    comment = scans[end].comment
    tail = last[len(last[:comment].rstrip()) :].rstrip("\r") if comment >= 0 else ""
    ending = "\r" if last.endswith("\r") else ""
    if new:
        new = [indent + new[0] + tail + ending]
    elif tail:
        new = [indent + tail.lstrip() + ending]  # the key goes, its comment stays
    return lines[:start] + new + lines[end + 1 :]


def _brackets(code: str, depth: int) -> int:
    for ch in code:
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth = max(0, depth - 1)
    return depth


def _toml_value(value: Any) -> str:
    """A setting's value as TOML on one line (lists inline)."""
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return tomli_w.dumps({"v": value}).strip()[len("v = ") :]


def _check_edit(before: dict[str, Any], text: str, settings: Settings, file: str) -> None:
    """Refuse an edit that did not give exactly ``settings`` and every other key unchanged."""
    try:
        after = parse_toml(text, file)
    except TomlError:
        after = None
    ok = after is not None
    if after is not None:
        for key in setting_keys():
            want = getattr(settings, key)
            if key in after:
                try:
                    ok = ok and check_value(key, after[key]) == want
                except SettingError:
                    ok = False
            else:
                ok = ok and (want is None or want == getattr(Settings(), key))
        others = {k: v for k, v in before.items() if k not in setting_keys()}
        ok = ok and all(after.get(k) == v for k, v in others.items())
    if not ok:
        raise FileRefused(
            file,
            "cannot change the settings without losing its comments or layout",
            "edit the file by hand, or move it aside to let prehab write a new one",
        )


def _layout_error(file: str, key: str, value: Any) -> FileRefused:
    shown = "(remove the line)" if value is None else f"{key} = {_toml_value(value)}"
    return FileRefused(
        file,
        f"cannot change {key} without disturbing the rest of the file (its layout is unusual)",
        f"edit it by hand: {shown}",
    )


def _file_problem(path: Path, exc: TomlError) -> Problem:
    """The settings file cannot be used at all: the problem, with the settings' own fixes."""
    p = exc.problem
    if exc.kind == "read":
        fix = "check the file's permissions and that it is UTF-8 text"
        if ": it is " in p.message:  # a FIFO, a folder, a device, a dangling symlink
            fix = "make it a regular file, or remove it to use the defaults"
        return Problem(str(path), p.line, "", p.message.replace("the file", "the settings"), fix)
    message = f"not valid TOML: {exc.detail}" if exc.kind == "syntax" else p.message
    fix = "fix that line, or delete the file to start from the defaults"
    return Problem(str(path), p.line, "", message, fix)


def _shown(value: Any) -> str:
    """``repr(value)``, cut short: a 5,000-digit number stays one readable line."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:24]}...{text[-6:]} ({len(text)} characters)"

"""The runner's settings: a small TOML file they may also edit by hand.

Reading never fails: a bad file or a bad value becomes a Problem with the file, the line
and a fix, and the default for that value is kept. Writing is atomic (temp file, fsync,
replace) so a crash mid-save leaves the old file, never half a file.

One validator, ``check_value``, judges every value: the file's (here), and what a person types
at ``prehab settings set`` or in the app's Settings screen (after ``parse_text`` has turned the
text into the TOML value it stands for), so all three accept the same values, with the same
messages and fixes.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import tomli_w

from prehab.model import Problem

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


@dataclass
class Settings:
    """What the runner told us once and we keep: units, time, kit, goal, schedule."""

    units: Literal["km", "mi"] = "km"
    time_budget_min: int = 30
    equipment: list[str] = field(default_factory=list)
    experience: Literal["beginner", "intermediate", "advanced"] = "intermediate"
    goal_race_date: date | None = None
    home_only: bool = False
    key_run_days: list[str] = field(default_factory=list)
    strength_weeks: int = 0


class SettingError(ValueError):
    """A value a setting cannot take: what is wrong and the fix (CLI, app and file alike)."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(f"{message} ({fix})" if fix else message)
        self.message = message
        self.fix = fix


MEANINGS: dict[str, str] = {
    "units": "km or mi, for distances everywhere",
    "time_budget_min": "minutes a day for strength and mobility (1-600)",
    "equipment": "kit you have, e.g. band,step,dumbbell (none: any kit, unless home_only)",
    "experience": "beginner, intermediate or advanced at strength work",
    "goal_race_date": "your goal race as YYYY-MM-DD, or none",
    "home_only": "true: only the kit listed (bodyweight if none)",
    "key_run_days": "days of your key runs, e.g. sunday,wednesday: no strength the day before",
    "strength_weeks": "weeks of regular strength training so far (0-520)",
}
"""One line per setting saying what it means, in the order of ``Settings``."""

CHOICES: dict[str, tuple[str, ...]] = {"units": UNITS, "experience": EXPERIENCE}
LIST_KEYS = ("equipment", "key_run_days")
NONE_WORDS = ("", "none", "-")


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
            what = "unit" if key == "units" else "level"
            raise SettingError(f"{value!r} is not a {what}", _choice_fix(value, CHOICES[key]))
        return value
    if key == "time_budget_min":
        if not _is_int(value) or not 0 < value <= 600:
            raise SettingError(f"{value!r} is not a time budget", "give whole minutes from 1 to 600, e.g. 30")
        return value
    if key == "strength_weeks":
        if not _is_int(value) or not 0 <= value <= 520:
            raise SettingError(f"{value!r} is not a number of weeks", "give a whole number from 0 to 520")
        return value
    if key == "home_only":
        if not isinstance(value, bool):
            raise SettingError(f"{value!r} is not true or false", "use true or false")
        return value
    if key == "goal_race_date":
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        if isinstance(value, str) and _iso_date(value) is not None:
            raise SettingError("is quoted text, not a date", f"write it without quotes: {key} = {value}")
        if isinstance(value, datetime):
            raise SettingError("has a time of day", f"give the day only, e.g. {value.date().isoformat()}")
        raise SettingError(f"{value!r} is not a date", "give it as YYYY-MM-DD, e.g. 2027-04-12")
    if key == "equipment":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingError("must be a list of names", 'e.g. equipment = ["dumbbell", "band"]')
        return _unique(v.strip().lower() for v in value if v.strip())
    if key == "key_run_days":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingError("must be a list of weekday names", 'e.g. key_run_days = ["tuesday", "sunday"]')
        days = _unique(v.strip().lower() for v in value)
        for day in days:
            if day not in WEEKDAYS:
                raise SettingError(f"{day!r} is not a weekday", _choice_fix(day, WEEKDAYS))
        return days
    raise SettingError(f"no setting {key!r}", _unknown_key_fix(key))


def parse_text(key: str, text: str) -> Any:
    """What a person typed for ``key`` as the TOML value it stands for, without judging it.

    Text that does not convert is returned as it is, so ``check_value`` gives the message:
    ``"25"`` -> 25, ``"band, step"`` -> ["band", "step"], ``"none"`` -> [] or None.
    """
    word = text.strip()
    if key in LIST_KEYS:
        if word.lower() in NONE_WORDS:
            return []
        return [part for part in re.split(r"[,\s]+", word) if part]
    if key == "goal_race_date":
        if word.lower() in NONE_WORDS:
            return None
        return _iso_date(word) or word
    if key == "home_only":
        return {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}.get(
            word.lower(), word
        )
    if key in ("time_budget_min", "strength_weeks"):
        return int(word) if re.fullmatch(r"[+-]?\d+", word) else word
    if key in CHOICES:
        return word.lower()
    return word


def format_value(key: str, value: Any) -> str:
    """A value as a person types it (the inverse of ``parse_text``)."""
    if isinstance(value, list):
        return ",".join(value) if value else "none"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def with_value(settings: Settings, key: str, text: str) -> Settings:
    """A copy of ``settings`` with ``key`` set from typed ``text``; SettingError if it is wrong."""
    if key not in setting_keys():
        raise SettingError(f"no setting {key!r}", _unknown_key_fix(key))
    return replace(settings, **{key: check_value(key, parse_text(key, text))})


def blocking_problems(problems: list[Problem], keys: list[str]) -> list[Problem]:
    """Problems a save would paper over: the file could not be read, or a value or an unknown
    setting other than ``keys`` would be replaced by its default or dropped."""
    return [p for p in problems if p.path not in keys]


def unknown_names(names: list[str], known: set[str]) -> list[str]:
    """One hint per name in ``names`` no exercise uses (e.g. a typo in ``equipment``)."""
    return [f"no exercise uses {n!r} ({_choice_fix(n, known)})" for n in names if n not in known]


def _unknown_key_fix(key: str, in_file: bool = False) -> str:
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
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return settings, []
    except (OSError, UnicodeDecodeError) as exc:
        return settings, [
            Problem(
                str(path),
                None,
                "",
                f"cannot read the settings: {exc}",
                "check the file's permissions and that it is UTF-8 text",
            )
        ]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return settings, [
            Problem(
                str(path),
                line,
                "",
                f"not valid TOML: {message}",
                "fix that line, or delete the file to start from the defaults",
            )
        ]
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
            out[f.name] = value
    return out


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write ``settings`` atomically: the file is the old one or the new one, never half."""
    path = _default_path(path)
    atomic_write(path, tomli_w.dumps(settings_to_dict(settings)).encode("utf-8"))


def atomic_write(path: Path, data: bytes, make_parents: bool = True) -> None:
    """Replace ``path`` with ``data`` via a synced temp file in the same directory."""
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)  # make the rename itself durable where the OS allows
    finally:
        os.close(dir_fd)

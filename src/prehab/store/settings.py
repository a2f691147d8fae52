"""The runner's settings: a small TOML file they may also edit by hand.

Reading never fails: a bad file or a bad value becomes a Problem with the file, the line
and a fix, and the default for that value is kept. Writing is atomic (temp file, fsync,
replace) so a crash mid-save leaves the old file, never half a file.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field, fields
from datetime import date
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
    known = {f.name for f in fields(Settings)}
    for key, value in data.items():
        line = _line_of(text, key)
        if key not in known:
            problems.append(
                Problem(
                    str(path),
                    line,
                    key,
                    "unknown setting",
                    f"remove it; settings are {', '.join(sorted(known))}",
                    "warning",
                )
            )
            continue
        error = _apply(settings, key, value)
        if error:
            message, fix = error
            problems.append(Problem(str(path), line, key, message, fix))
    return settings, problems


def _apply(settings: Settings, key: str, value: Any) -> tuple[str, str] | None:
    """Set one value if it is valid; otherwise return (what is wrong, the fix)."""
    if key == "units":
        if value not in UNITS:
            return f"{value!r} is not a unit", 'use units = "km" or units = "mi"'
        settings.units = value
    elif key == "time_budget_min":
        if not _is_int(value) or not 0 < value <= 600:
            return f"{value!r} is not a time budget", "give whole minutes, e.g. 30"
        settings.time_budget_min = value
    elif key == "equipment":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "must be a list of names", 'e.g. equipment = ["dumbbells", "band"]'
        settings.equipment = list(value)
    elif key == "experience":
        if value not in EXPERIENCE:
            return f"{value!r} is not a level", f"use one of {', '.join(EXPERIENCE)}"
        settings.experience = value
    elif key == "goal_race_date":
        if not isinstance(value, date) or hasattr(value, "hour"):
            return "must be a date", "write it bare, e.g. goal_race_date = 2026-04-19"
        settings.goal_race_date = value
    elif key == "home_only":
        if not isinstance(value, bool):
            return "must be true or false", "home_only = true"
        settings.home_only = value
    elif key == "key_run_days":
        days = (
            [v.lower() for v in value]
            if isinstance(value, list) and all(isinstance(v, str) for v in value)
            else None
        )
        if days is None or any(d not in WEEKDAYS for d in days):
            return "must be a list of weekday names", 'e.g. key_run_days = ["tuesday", "sunday"]'
        settings.key_run_days = days
    elif key == "strength_weeks":
        if not _is_int(value) or not 0 <= value <= 520:
            return f"{value!r} is not a number of weeks", "give a whole number from 0 to 520"
        settings.strength_weeks = value
    return None


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

"""A setting's values: what a person typed, the value it stands for, whether it may be kept.

One validator, ``check_value``, judges every value: the file's (``settings.file``), and what a
person types at ``prehab settings set`` or in the app's Settings screen (after ``parse_text``
has turned the text into the TOML value it stands for), so all three accept the same values,
with the same messages and fixes. Each check follows the setting's entry in ``settings.spec``
(its kind, range, choices and words), so a new setting needs no code here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from prehab.model import Problem
from prehab.record import replace
from prehab.settings.model import ANY_KIT, NO_KIT, NO_KIT_WORDS, Settings, setting_keys
from prehab.settings.spec import SPECS, SettingError, SettingSpec, choice_fix, shown

NONE_WORDS = ("", "none", "-")
"""What a person types for "not set" (no goal race date, no key run days, no user name)."""
STANDARD = "standard"
"""A load step typed or shown as ``standard``: the usual step of the weight units (None)."""
_BOOL_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def check_value(key: str, value: Any) -> Any:
    """The value ``key`` keeps for ``value`` (normalised), or SettingError.

    The one validator: ``load_settings`` runs it on each value in the file, and the CLI and
    the app run it on what the user typed (after ``parse_text``), so all three accept the
    same values and give the same messages.
    """
    spec = SPECS.get(key)
    if spec is None:
        raise SettingError(f"no setting {shown(key)}", unknown_key_fix(key))
    return _CHECKS[spec.kind](spec, value)


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


def parse_text(key: str, text: str) -> Any:
    """What a person typed for ``key`` as the TOML value it stands for, without judging it.

    Text that does not convert is returned as it is, so ``check_value`` gives the message:
    ``"25"`` -> 25, ``"band, step"`` -> ["band", "step"], ``"none"`` -> [] or None.
    """
    word = text.strip()
    spec = SPECS.get(key)
    if spec is None:
        return word
    lower = word.lower()
    if spec.kind == "kit" and lower in ("", "-", ANY_KIT):
        return []
    if spec.kind == "kit" and lower in NO_KIT_WORDS:
        return [NO_KIT]
    if spec.kind in ("list", "kit"):
        return [] if lower in NONE_WORDS else [part for part in re.split(r"[,\s]+", word) if part]
    if spec.kind == "date":
        return None if lower in NONE_WORDS else _iso_date(word) or word
    if spec.kind == "bool":
        return _BOOL_WORDS.get(lower, word)
    if spec.kind == "text":
        return "" if spec.optional and lower in NONE_WORDS else word
    if spec.kind == "step":
        if lower in (*NONE_WORDS, STANDARD):
            return None
        return float(word) if re.fullmatch(r"\d{1,3}(\.\d{1,3})?", word) else word
    if spec.kind == "int":
        # a number of more than 18 digits is out of every range; int() of 4,300+ digits raises
        return int(word) if re.fullmatch(r"[+-]?\d{1,18}", word) else word
    return lower  # a choice


def format_value(key: str, value: Any) -> str:
    """A value as a person types it (the inverse of ``parse_text``)."""
    spec = SPECS.get(key)
    kind = spec.kind if spec is not None else None
    if kind == "kit" and value == []:
        return ANY_KIT
    if isinstance(value, list):
        return ",".join(value) if value else "none"
    if value is None and kind == "step":
        return STANDARD
    if isinstance(value, float):
        return f"{value:g}"
    if value is None or (value == "" and spec is not None and spec.optional):
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def with_value(settings: Settings, key: str, text: str) -> Settings:
    """A copy of ``settings`` with ``key`` set from typed ``text``; SettingError if it is wrong."""
    if key not in setting_keys():
        raise SettingError(f"no setting {shown(key)}", unknown_key_fix(key))
    return replace(settings, **{key: check_entry(key, parse_text(key, text))})


def blocking_problems(problems: list[Problem], keys: list[str]) -> list[Problem]:
    """Problems a save would paper over: the file could not be read, or a value or an unknown
    setting other than ``keys`` would be replaced by its default or dropped."""
    return [p for p in problems if p.path not in keys]


def unknown_names(names: list[str], known: set[str]) -> list[str]:
    """One hint per name in ``names`` no exercise uses (e.g. a typo in ``equipment``)."""
    return [
        f"no exercise uses {shown(n)} ({choice_fix(n, known)})"
        for n in names
        if n not in known and n not in (ANY_KIT, NO_KIT)
    ]


def unknown_key_fix(key: str, in_file: bool = False) -> str:
    if "password" in key.lower() and key != "mqtt_password_file":
        where = "remove it from settings.toml; " if in_file else ""
        return f"{where}put the password in a file only you can read and set mqtt_password_file to its path"
    hint = choice_fix(key, setting_keys())
    if hint.startswith("did you mean"):
        return hint
    return ("remove it; " if in_file else "") + f"settings are {', '.join(setting_keys())}"


# -- each kind's check -----------------------------------------------------------------------------


def _choice(spec: SettingSpec, value: Any) -> Any:
    if value not in spec.choices:
        raise SettingError(f"{shown(value)} is not a {spec.noun}", choice_fix(value, spec.choices))
    return value


def _int(spec: SettingSpec, value: Any) -> Any:
    if not _is_int(value) or not spec.low <= value <= spec.high:
        example = f", e.g. {spec.example}" if spec.example else ""
        fix = f"give {spec.amount} from {spec.low:g} to {spec.high:g}{example}"
        raise SettingError(f"{shown(value)} is not a {spec.noun}", fix)
    return value


def _step(spec: SettingSpec, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not spec.low < value <= spec.high:
        raise SettingError(
            f"{shown(value)} is not a {spec.noun}",
            f"give a number above {spec.low:g} and up to {spec.high:g} in your weight units, "
            f"e.g. {spec.example}, or {STANDARD}",
        )
    return float(value)


def _bool(spec: SettingSpec, value: Any) -> Any:
    if not isinstance(value, bool):
        raise SettingError(f"{shown(value)} is not true or false", "use true or false")
    return value


def _date(spec: SettingSpec, value: Any) -> Any:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str) and _iso_date(value) is not None:
        raise SettingError("is quoted text, not a date", f"write it without quotes: {spec.key} = {value}")
    if isinstance(value, datetime):
        raise SettingError("has a time of day", f"give the day only, e.g. {value.date().isoformat()}")
    raise SettingError(f"{shown(value)} is not a date", f"give it as YYYY-MM-DD, e.g. {spec.example}")


def _list(spec: SettingSpec, value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingError(f"must be a list of {spec.noun} names", f"e.g. {spec.key} = {spec.example}")
    items = _unique(v.strip().lower() for v in value)
    for item in items:
        if item not in spec.choices:
            raise SettingError(f"{shown(item)} is not a {spec.noun}", choice_fix(item, spec.choices))
    return items


def _kit(spec: SettingSpec, value: Any) -> list[str]:
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


def _text(spec: SettingSpec, value: Any) -> Any:
    if not isinstance(value, str) or any(ord(c) < 32 or ord(c) == 127 for c in value):
        what = "the value (not repeated here)" if spec.hide_value else shown(value)
        raise SettingError(f"{what} is not one line of text", f'e.g. {spec.key} = "{spec.example}"')
    text = value.strip()
    if spec.check is not None:
        spec.check(value, text)
    return text


_CHECKS: dict[str, Callable[[SettingSpec, Any], Any]] = {
    "choice": _choice,
    "int": _int,
    "step": _step,
    "bool": _bool,
    "date": _date,
    "list": _list,
    "kit": _kit,
    "text": _text,
}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))

"""Small value checks the rule and exercise parsers share: ids, text, lists of names, a dose.

Each reports its problem through the :class:`prehab.rulebook.report.Reporter` it is given and
returns an empty or None value, so a parser can go on and report every problem of a file at once.
"""

from __future__ import annotations

import re
from typing import Any

from prehab.rulebook.model import DOSE_KEYS, LOADS
from prehab.rulebook.report import Reporter
from prehab.rulebook.suggest import did_you_mean

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def text_value(raw: dict[str, Any], key: str, rep: Reporter, *, required: bool) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            rep.error(f"missing '{key}'", f'add {key} = "..."')
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        rep.error(f"'{key}' must be non-empty text", f'write {key} = "..."', key)
        return ""
    return value


def str_list(raw: Any, rep: Reporter, what: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        rep.error(f"must be a list of {what}", '["a", "b"]')
        return ()
    return tuple(raw)


def parse_dose(raw: Any, rep: Reporter) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        rep.error("a dose must be a table", "dose = { sets = 3, reps = 10 }")
        return None
    for key, value in raw.items():
        if key not in DOSE_KEYS:
            rep.error(f"unknown dose key '{key}'", did_you_mean(key, DOSE_KEYS), key)
            return None
        if key == "load":
            if value not in LOADS:
                rep.error(f"unknown load {value!r}", did_you_mean(str(value), LOADS), key)
                return None
        elif key == "per_side":
            if not isinstance(value, bool):
                rep.error("per_side takes true or false", "per_side = true", key)
                return None
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 600:
            rep.error(f"{key} must be a number from 1 to 600, got {value!r}", f"{key} = 3", key)
            return None
    return dict(raw)

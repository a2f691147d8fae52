"""The fact vocabulary (facts.toml): which fact kinds exist and what their fields accept.

Rules, examples, facts files and questionnaires are all checked against this one
description, so a new question or rule field is a data change, not a code change.
"""

from __future__ import annotations

import math
from typing import Any

from prehab.record import Record, field
from prehab.rulebook.suggest import did_you_mean

FIELD_TYPES = ("int", "float", "bool", "choice", "text", "region", "any")


class FieldSpec(Record, frozen=True):
    """What one fact field accepts (type, values or range) and whether it is a key."""

    name: str
    type: str
    values: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    key: bool = False
    help: str = ""

    @property
    def numeric(self) -> bool:
        return self.type in ("int", "float")

    def check(self, value: Any, regions: tuple[str, ...]) -> str | None:
        """Why ``value`` does not fit this field, or None when it does."""
        allowed = regions if self.type == "region" else self.values
        if self.type == "any":
            return _plain(value)
        if self.type == "bool":
            return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
        if self.numeric:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"expected a number, got {value!r}"
            if not math.isfinite(value):
                return f"expected a finite number, got {value!r}"
            if _unreadable(value):
                return _UNREADABLE.format(value)
            if self.type == "int" and isinstance(value, float) and not value.is_integer():
                return f"expected a whole number, got {value!r}"
            if self.min is not None and value < self.min:
                return f"{value!r} is below the minimum {_num(self.min)}"
            if self.max is not None and value > self.max:
                return f"{value!r} is above the maximum {_num(self.max)}"
            return None
        if not isinstance(value, str):
            return f"expected text, got {value!r}"
        if allowed and value not in allowed:
            return f"'{value}' is not a known value; {did_you_mean(value, allowed)}"
        return None

    def describe(self) -> str:
        if self.type == "region":
            return "a body region"
        if self.type == "choice":
            return "one of " + ", ".join(self.values)
        if self.numeric and (self.min is not None or self.max is not None):
            return f"{self.type} {_num(self.min)}..{_num(self.max)}"
        return self.type


class KindSpec(Record, frozen=True):
    """One fact kind of the vocabulary and its fields."""

    name: str
    description: str
    fields: dict[str, FieldSpec] = field(default_factory=dict)

    @property
    def key_fields(self) -> tuple[str, ...]:
        return tuple(n for n, f in self.fields.items() if f.key)


class FactSchema(Record, frozen=True):
    """The whole fact vocabulary: kinds and the body regions."""

    kinds: dict[str, KindSpec]
    regions: tuple[str, ...]

    def kind(self, name: str) -> KindSpec | None:
        return self.kinds.get(name)


_UNREADABLE = "the engine cannot read {0!r} (a number written as 1e-05 or 1e+16); round it, e.g. to 0"


def _unreadable(value: Any) -> bool:
    """durable-rules rejects JSON numbers in exponent form without a decimal point ("1e-05",
    "9e-07", "1e+16": error 204) while "1.5e-05" is fine; Python writes floats that way."""
    if not isinstance(value, float):
        return False
    text = repr(value)
    return "e" in text and "." not in text


def _plain(value: Any) -> str | None:
    """Why ``value`` cannot reach the engine: facts travel as JSON, so a TOML date or time, or an
    infinite number, made durable-rules raise (a traceback from a three-line facts file)."""
    if isinstance(value, list):
        return next((p for p in map(_plain, value) if p), None)
    if isinstance(value, dict):
        return next((p for p in map(_plain, value.values()) if p), None)
    if isinstance(value, float) and not math.isfinite(value):
        return f"expected a finite number, got {value!r}"
    if _unreadable(value):
        return _UNREADABLE.format(value)
    if isinstance(value, str | bool | int | float):
        return None
    return f"expected text, a number or true/false, got {value!r}"


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else str(x)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _bad_field_keys(f: dict[str, Any]) -> tuple[str, str, str] | None:
    """(key, message, fix) for the first field key of the wrong type: a text ``min`` would make
    every later range check raise TypeError instead of reporting a problem."""
    for bound in ("min", "max"):
        if bound in f and not _is_number(f[bound]):
            return bound, f"{bound} must be a number, got {f[bound]!r}", f"{bound} = 0"
    values = f.get("values", [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return "values", "must be a list of names", 'values = ["a", "b"]'
    if "key" in f and not isinstance(f["key"], bool):
        return "key", "key must be true or false", "key = true"
    return None


def parse_schema(data: dict[str, Any]) -> tuple[FactSchema, list[tuple[str, str, str]]]:
    """Build the schema; problems come back as (key path, message, fix) for the caller to locate."""
    problems: list[tuple[str, str, str]] = []
    regions_raw = data.get("regions", {}).get("values", [])
    if not isinstance(regions_raw, list) or not all(isinstance(r, str) for r in regions_raw):
        problems.append(("regions.values", "must be a list of names", 'write values = ["calves", ...]'))
        regions_raw = []
    kinds: dict[str, KindSpec] = {}
    for kind_name, spec in (data.get("fact") or {}).items():
        if not isinstance(spec, dict):
            problems.append((f"fact.{kind_name}", "must be a table", f"write [fact.{kind_name}]"))
            continue
        fields: dict[str, FieldSpec] = {}
        raw_fields = spec.get("fields") or {}
        if not isinstance(raw_fields, dict):
            problems.append((f"fact.{kind_name}.fields", "must be tables", 'fields.level = { type = "int" }'))
            raw_fields = {}
        for fname, f in raw_fields.items():
            where = f"fact.{kind_name}.fields.{fname}"
            if not isinstance(f, dict):
                problems.append((where, "must be a table", '{ type = "int", min = 0 }'))
                continue
            ftype = f.get("type", "text")
            if not isinstance(ftype, str) or ftype not in FIELD_TYPES:
                problems.append(
                    (where + ".type", f"unknown type {ftype!r}", did_you_mean(str(ftype), FIELD_TYPES))
                )
                continue
            bad = _bad_field_keys(f)
            if bad:
                problems.append((f"{where}.{bad[0]}", bad[1], bad[2]))
                continue
            fields[fname] = FieldSpec(
                name=fname,
                type=ftype,
                values=tuple(f.get("values", ())),
                min=f.get("min"),
                max=f.get("max"),
                key=bool(f.get("key", False)),
                help=str(f.get("help", "")),
            )
        kinds[kind_name] = KindSpec(kind_name, str(spec.get("description", "")), fields)
    return FactSchema(kinds, tuple(regions_raw)), problems

"""An exercise of the catalogue (``[exercise.<id>]`` in rules/exercises.toml), checked.

What it works and loads must be regions of the vocabulary (the holds and the load map read
them), its dose and minutes must be sane, and a loading exercise that names no ``loads``
loads what it works.
"""

from __future__ import annotations

from typing import Any

from prehab.rulebook.model import KINDS, LOADING_KINDS, PLANES, Exercise
from prehab.rulebook.report import Reporter
from prehab.rulebook.schema import FactSchema
from prehab.rulebook.suggest import did_you_mean
from prehab.rulebook.values import ID_PATTERN, parse_dose, str_list, text_value

EXERCISE_KEYS = (
    "name",
    "kind",
    "works",
    "loads",
    "plane",
    "equipment",
    "dose",
    "minutes",
    "cues",
    "regression",
    "progression",
    "note",
    "tags",
)


def parse_exercise(
    ex_id: str, raw: Any, schema: FactSchema, rep: Reporter, file: str, line: int | None
) -> Exercise | None:
    if not isinstance(raw, dict):
        rep.error("an exercise must be a table", f"[exercise.{ex_id}]")
        return None
    ok = True
    if not ID_PATTERN.match(ex_id):
        rep.error(f"id '{ex_id}' must be lowercase letters, digits and dashes", "rename the table")
        ok = False
    ok = rep.unknown_keys(raw, EXERCISE_KEYS) and ok
    name = text_value(raw, "name", rep, required=True)
    kind = raw.get("kind")
    if kind not in KINDS:
        rep.error(
            f"kind must be one of {', '.join(KINDS)}, got {kind!r}", did_you_mean(str(kind), KINDS), "kind"
        )
        ok = False
    plane = raw.get("plane", "sagittal")
    if plane not in PLANES:
        rep.error(f"unknown plane {plane!r}", did_you_mean(str(plane), PLANES), "plane")
        ok = False
    regions: dict[str, tuple[str, ...]] = {}
    for key in ("works", "loads"):
        values = str_list(raw.get(key), rep.at(key), "regions")
        bad = [v for v in values if v not in schema.regions]
        if bad:
            rep.error(f"unknown region '{bad[0]}'", did_you_mean(bad[0], schema.regions), key)
            ok = False
        regions[key] = values
    if not regions["works"] and ok:
        rep.error("'works' is empty", 'list the regions it really works, e.g. works = ["glutes"]', "works")
        ok = False
    loads = regions["loads"] if "loads" in raw else (regions["works"] if kind in LOADING_KINDS else ())
    dose = parse_dose(raw.get("dose", {}), rep.at("dose"))
    minutes = raw.get("minutes", 5)
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or not 0 < minutes <= 180:
        rep.error(f"minutes must be a number from 1 to 180, got {minutes!r}", "minutes = 5", "minutes")
        ok = False
    regression = raw.get("regression", "")
    if not isinstance(regression, str):
        rep.error("regression must be an exercise id", 'regression = "glute-bridge"', "regression")
        ok = False
    progression = raw.get("progression", "")
    if not isinstance(progression, str):
        rep.error("progression must be an exercise id", 'progression = "calf-raise"', "progression")
        ok = False
    if not ok or dose is None:
        return None
    return Exercise(
        ex_id,
        name,
        str(kind),
        regions["works"],
        tuple(loads),
        str(plane),
        str_list(raw.get("equipment"), rep.at("equipment"), "equipment"),
        dose,
        float(minutes),
        str_list(raw.get("cues"), rep.at("cues"), "cues"),
        regression,
        str(raw.get("note", "")),
        str(progression),
        str_list(raw.get("tags"), rep.at("tags"), "tags"),
        file,
        line,
    )

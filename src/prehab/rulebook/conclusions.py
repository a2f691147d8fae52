"""A rule's ``then``: what it concludes (prescribe, flag, caution, refer, note, hold, progress, load).

Why its own module: the conclusions are where a rule acts, and each kind has its own shape; a
restriction is a structured ``hold`` (regions, kinds, loads, tags, exercises), never only words,
so the planner can enforce it and describe it from what it enforces.
"""

from __future__ import annotations

from typing import Any

from prehab.rulebook.conditions import parse_ref
from prehab.rulebook.model import (
    HOLD_MODES,
    KINDS,
    LOAD_STEPS,
    LOADING_KINDS,
    LOADS,
    PROGRESS_DIRECTIONS,
    URGENCIES,
    FlagSpec,
    HoldSpec,
    LoadSpec,
    PrescribeSpec,
    ProgressSpec,
    Then,
    ValueRef,
)
from prehab.rulebook.report import Reporter
from prehab.rulebook.schema import FactSchema
from prehab.rulebook.suggest import did_you_mean
from prehab.rulebook.values import ID_PATTERN, parse_dose, str_list

THEN_KEYS = (
    "prescribe",
    "flag",
    "caution",
    "refer",
    "note",
    "suppress",
    "hold",
    "instead",
    "progress",
    "load",
)
HOLD_KEYS = ("region", "regions", "works", "kinds", "loads", "tags", "exercises", "mode")


def _parse_flags(raw: Any, names: set[str], schema: FactSchema, rep: Reporter) -> list[FlagSpec]:
    items = raw if isinstance(raw, list) else [raw]
    flags: list[FlagSpec] = []
    for index, item in enumerate(items):
        sub = rep.at(index) if isinstance(raw, list) else rep
        if isinstance(item, str) and ID_PATTERN.match(item):
            flags.append(FlagSpec(item))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            extra = set(item) - {"name", "region"}
            if extra:
                sub.error(f"unknown key '{sorted(extra)[0]}' in a flag", "a flag has name and region")
                continue
            region = parse_ref(item["region"], names, schema, sub.at("region")) if "region" in item else None
            if "region" in item and region is None:
                continue
            flags.append(FlagSpec(item["name"], region))
        else:
            sub.error(
                "a flag is a lowercase-dash name or { name = ..., region = ... }", 'flag = "load-spike"'
            )
    return flags


def parse_then(
    raw: Any, schema: FactSchema, exercises: set[str], names: set[str], rep: Reporter
) -> Then | None:
    if not isinstance(raw, dict) or not raw:
        rep.error("'then' must say what the rule concludes", 'add then.prescribe = [{ exercise = "..." }]')
        return None
    ok = rep.unknown_keys(raw, THEN_KEYS, "conclusion")
    prescribe: list[PrescribeSpec] = []
    items = raw.get("prescribe", [])
    if not isinstance(items, list):
        rep.error("'prescribe' must be a list", '[{ exercise = "plank" }]', "prescribe")
        items, ok = [], False
    for index, item in enumerate(items):
        sub = rep.at("prescribe", index)
        if isinstance(item, str):
            item = {"exercise": item}
        if not isinstance(item, dict) or not isinstance(item.get("exercise"), str):
            sub.error("each prescription needs an exercise id", '{ exercise = "plank" }')
            ok = False
            continue
        unknown = set(item) - {"exercise", "dose"}
        if unknown:
            sub.error(f"unknown key '{sorted(unknown)[0]}'", "a prescription has exercise and dose")
            ok = False
        ex_id = item["exercise"]
        if ex_id not in exercises:
            sub.error(f"unknown exercise '{ex_id}'", did_you_mean(ex_id, exercises), "exercise")
            ok = False
            continue
        dose = parse_dose(item.get("dose", {}), sub.at("dose"))
        if dose is None:
            ok = False
            continue
        prescribe.append(PrescribeSpec(ex_id, dose))
    flags = _parse_flags(raw["flag"], names, schema, rep.at("flag")) if "flag" in raw else []
    texts: dict[str, str] = {}
    urgency = "physio"
    refer = raw.get("refer")
    if isinstance(refer, dict):
        sub = rep.at("refer")
        ok = sub.unknown_keys(refer, ("text", "urgency")) and ok
        urgency = refer.get("urgency", "physio")
        if urgency not in URGENCIES:
            sub.error(f"unknown urgency {urgency!r}", did_you_mean(str(urgency), URGENCIES), "urgency")
            ok, urgency = False, "physio"
        refer = refer.get("text")
        if not isinstance(refer, str) or not refer.strip():
            sub.error("'refer.text' must be non-empty text", 'refer = { text = "...", urgency = "physio" }')
            ok = False
        else:
            texts["refer"] = refer
    for key in ("caution", "refer", "note", "instead"):
        if key in raw and key not in texts and not (key == "refer" and isinstance(raw[key], dict)):
            if isinstance(raw[key], str) and raw[key].strip():
                texts[key] = raw[key]
            else:
                rep.error(f"'{key}' must be non-empty text", f'{key} = "..."', key)
                ok = False
    holds: list[HoldSpec] = []
    for key in ("suppress", "hold"):
        if key not in raw:
            continue
        entries = raw[key] if isinstance(raw[key], list) else [raw[key]]
        for index, entry in enumerate(entries):
            sub = rep.at(key, index) if isinstance(raw[key], list) else rep.at(key)
            hold = _parse_hold(entry, key, names, schema, exercises, sub)
            if hold is None:
                ok = False
            else:
                holds.append(hold)
    progress: list[ProgressSpec] = []
    if "progress" in raw:
        entries = raw["progress"] if isinstance(raw["progress"], list) else [raw["progress"]]
        for index, entry in enumerate(entries):
            sub = rep.at("progress", index) if isinstance(raw["progress"], list) else rep.at("progress")
            spec = _parse_progress(entry, names, exercises, sub)
            if spec is None:
                ok = False
            else:
                progress.append(spec)
    loads: list[LoadSpec] = []
    if "load" in raw:
        entries = raw["load"] if isinstance(raw["load"], list) else [raw["load"]]
        for index, entry in enumerate(entries):
            sub = rep.at("load", index) if isinstance(raw["load"], list) else rep.at("load")
            load = _parse_load(entry, names, exercises, sub)
            if load is None:
                ok = False
            else:
                loads.append(load)
    if ok and not (prescribe or flags or texts or holds or progress or loads):
        rep.error("'then' concludes nothing", "add prescribe, flag, caution, refer, note or hold")
        ok = False
    if not ok:
        return None
    return Then(
        tuple(prescribe),
        tuple(flags),
        texts.get("caution", ""),
        texts.get("refer", ""),
        texts.get("note", ""),
        tuple(holds),
        str(urgency),
        texts.get("instead", ""),
        tuple(progress),
        tuple(loads),
    )


def _parse_load(entry: Any, names: set[str], exercises: set[str], rep: Reporter) -> LoadSpec | None:
    example = 'load = { exercise = { from = "lift.exercise" }, step = "up" }'
    if not isinstance(entry, dict) or not rep.unknown_keys(entry, ("exercise", "step"), "load key"):
        if not isinstance(entry, dict):
            rep.error("'load' must be a table", example)
        return None
    step = entry.get("step")
    if step not in LOAD_STEPS:
        rep.error(f"step must be one of {', '.join(LOAD_STEPS)}", example, "step")
        return None
    exercise = entry.get("exercise")
    if isinstance(exercise, str):
        if exercise not in exercises:
            rep.error(f"unknown exercise '{exercise}'", did_you_mean(exercise, exercises), "exercise")
            return None
        return LoadSpec(exercise, str(step))
    if isinstance(exercise, dict) and set(exercise) == {"from"} and isinstance(exercise["from"], str):
        cond, _, fname = exercise["from"].partition(".")
        if cond in names and fname:
            return LoadSpec(ValueRef(cond, fname), str(step))
    rep.error(
        'exercise must be an exercise id or { from = "name.field" } of a matched lift fact',
        example,
        "exercise",
    )
    return None


def _parse_progress(entry: Any, names: set[str], exercises: set[str], rep: Reporter) -> ProgressSpec | None:
    example = 'progress = { ladder = { from = "progress.ladder" }, direction = "up" }'
    if not isinstance(entry, dict) or not rep.unknown_keys(entry, ("ladder", "direction"), "progress key"):
        if not isinstance(entry, dict):
            rep.error("'progress' must be a table", example)
        return None
    direction = entry.get("direction")
    if direction not in PROGRESS_DIRECTIONS:
        rep.error(f"direction must be one of {', '.join(PROGRESS_DIRECTIONS)}", example, "direction")
        return None
    ladder = entry.get("ladder")
    if isinstance(ladder, str):
        if ladder not in exercises:
            rep.error(f"unknown exercise '{ladder}'", did_you_mean(ladder, exercises), "ladder")
            return None
        return ProgressSpec(ladder, str(direction))
    if isinstance(ladder, dict) and set(ladder) == {"from"} and isinstance(ladder["from"], str):
        cond, _, fname = ladder["from"].partition(".")
        if cond in names and fname:
            return ProgressSpec(ValueRef(cond, fname), str(direction))
    rep.error(
        'ladder must be an exercise id or { from = "name.field" } of a matched progress fact',
        example,
        "ladder",
    )
    return None


def _parse_hold(
    entry: Any, key: str, names: set[str], schema: FactSchema, exercises: set[str], rep: Reporter
) -> HoldSpec | None:
    """``hold`` (any kind unless ``kinds`` says) or the older ``suppress`` (strength and
    plyometric unless ``kinds`` says, and it needs a region)."""
    example = 'hold = { region = "knees", kinds = ["strength", "plyometric"] }'
    if not isinstance(entry, dict):
        rep.error(f"'{key}' must be a table", example)
        return None
    ok = rep.unknown_keys(entry, HOLD_KEYS, "hold key")
    raw_regions = entry.get("regions", [])
    if "region" in entry:
        raw_regions = [entry["region"], *(raw_regions if isinstance(raw_regions, list) else [])]
    if not isinstance(raw_regions, list):
        rep.error("'regions' must be a list", 'regions = ["knees", "shins"]', "regions")
        return None
    regions: list[str | ValueRef] = []
    for value in raw_regions:
        region = parse_ref(value, names, schema, rep.at("region"))
        if region is None:
            ok = False
        else:
            regions.append(region)
    if key == "suppress" and not regions:
        rep.error("suppress needs a region", 'suppress = { region = "calves" }')
        return None
    default_kinds = list(LOADING_KINDS) if key == "suppress" else []
    kinds = str_list(entry.get("kinds", default_kinds), rep.at("kinds"), "kinds")
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        rep.error(f"unknown kind '{bad[0]}'", did_you_mean(bad[0], KINDS), "kinds")
        ok = False
    loads = str_list(entry.get("loads", []), rep.at("loads"), "loads")
    bad = [v for v in loads if v not in LOADS]
    if bad:
        rep.error(f"unknown load '{bad[0]}'", did_you_mean(bad[0], LOADS), "loads")
        ok = False
    named = str_list(entry.get("exercises", []), rep.at("exercises"), "exercise ids")
    bad = [v for v in named if v not in exercises]
    if bad:
        rep.error(f"unknown exercise '{bad[0]}'", did_you_mean(bad[0], exercises), "exercises")
        ok = False
    tags = str_list(entry.get("tags", []), rep.at("tags"), "tags")
    works = str_list(entry.get("works", []), rep.at("works"), "regions")
    bad = [v for v in works if v not in schema.regions]
    if bad:
        rep.error(f"unknown region '{bad[0]}'", did_you_mean(bad[0], schema.regions), "works")
        ok = False
    mode = entry.get("mode", "remove")
    if mode not in HOLD_MODES:
        rep.error(f"unknown mode {mode!r}", did_you_mean(str(mode), HOLD_MODES), "mode")
        ok = False
    if ok and not (regions or kinds or loads or tags or named or works):
        rep.error("a hold that names nothing would hold everything", example)
        ok = False
    if not ok:
        return None
    return HoldSpec(
        tuple(regions), tuple(kinds), tuple(loads), tuple(tags), tuple(named), str(mode), tuple(works)
    )

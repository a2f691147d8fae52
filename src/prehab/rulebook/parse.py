"""Raw TOML tables -> typed rules and exercises, reporting every problem found.

Validation here is complete enough that the engine never sees a definition it would
reject (durable's error codes 102/105/202/204 are caught as user errors first).
"""

from __future__ import annotations

import re
from typing import Any

from prehab.rulebook.factcheck import check_fact
from prehab.rulebook.model import (
    DOSE_KEYS,
    HOLD_MODES,
    KINDS,
    LOAD_STEPS,
    LOADING_KINDS,
    LOADS,
    OPERATORS,
    PLANES,
    PROGRESS_DIRECTIONS,
    URGENCIES,
    Condition,
    Example,
    Exercise,
    FieldTest,
    FlagSpec,
    HoldSpec,
    LoadSpec,
    PrescribeSpec,
    ProgressSpec,
    Rule,
    Then,
    ValueRef,
)
from prehab.rulebook.report import Reporter
from prehab.rulebook.schema import FactSchema, FieldSpec
from prehab.rulebook.suggest import did_you_mean

RULE_KEYS = (
    "id",
    "title",
    "priority",
    "when",
    "when_any",
    "unless",
    "then",
    "why",
    "source",
    "tags",
    "enabled",
    "example",
)
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
EXPECT_KEYS = (
    "prescribe", "not_prescribe", "flags", "fires", "not_fires", "refer", "caution", "urgency",
)  # fmt: skip
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
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_PRIORITY = 1000


def _text(raw: dict[str, Any], key: str, rep: Reporter, *, required: bool) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            rep.error(f"missing '{key}'", f'add {key} = "..."')
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        rep.error(f"'{key}' must be non-empty text", f'write {key} = "..."', key)
        return ""
    return value


def _str_list(raw: Any, rep: Reporter, what: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        rep.error(f"must be a list of {what}", '["a", "b"]')
        return ()
    return tuple(raw)


def parse_condition(raw: Any, schema: FactSchema, rep: Reporter, names: set[str]) -> Condition | None:
    if not isinstance(raw, dict):
        rep.error("a condition must be a table", '{ fact = "tightness", region = "calves" }')
        return None
    kind_name = raw.get("fact")
    kind = schema.kind(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        rep.error(f"unknown fact kind {kind_name!r}", did_you_mean(str(kind_name), schema.kinds), "fact")
        return None
    name = raw.get("as", kind.name)
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        rep.error(f"'as' must be a simple name, got {name!r}", 'as = "p"', "as")
        name = kind.name
    tests: list[FieldTest] = []
    ok = True
    for key, value in raw.items():
        if key in ("fact", "as"):
            continue
        spec = rep.field_of(kind, key)
        if spec is None:
            ok = False
            continue
        field_tests = _parse_tests(key, value, spec, schema, rep.at(key))
        if field_tests is None:
            ok = False
        else:
            tests.extend(field_tests)
    names.add(name)
    return Condition(kind.name, tuple(tests), name) if ok else None


def _parse_tests(
    key: str, value: Any, spec: FieldSpec, schema: FactSchema, rep: Reporter
) -> list[FieldTest] | None:
    if not isinstance(value, dict):
        problem = spec.check(value, schema.regions)
        if problem:
            rep.error(problem, f"{key} takes {spec.describe()}")
            return None
        return [FieldTest(key, "equals", value)]
    if not value:
        rep.error("an empty test", "write e.g. { at_least = 4 }")
        return None
    tests: list[FieldTest] = []
    for op, operand in value.items():
        if op not in OPERATORS:
            rep.error(f"unknown test '{op}'", did_you_mean(op, OPERATORS), op)
            return None
        if op == "exists":
            if not isinstance(operand, bool):
                rep.error("'exists' takes true or false", "exists = true", op)
                return None
        elif op == "one_of":
            if not isinstance(operand, list) or not operand:
                rep.error("'one_of' takes a non-empty list", 'one_of = ["calves", "shins"]', op)
                return None
            for item in operand:
                problem = spec.check(item, schema.regions)
                if problem:
                    rep.error(problem, f"{key} takes {spec.describe()}", op)
                    return None
        else:
            if op in ("at_least", "at_most", "above", "below") and not spec.numeric:
                rep.error(
                    f"'{op}' compares numbers but '{key}' is {spec.describe()}",
                    f"write {key} = <value> or {{ one_of = [...] }}",
                    op,
                )
                return None
            problem = spec.check(operand, schema.regions)
            if problem:
                rep.error(problem, f"{key} takes {spec.describe()}", op)
                return None
        tests.append(FieldTest(key, op, operand))
    return tests


def _parse_ref(value: Any, names: set[str], schema: FactSchema, rep: Reporter) -> str | ValueRef | None:
    if isinstance(value, str):
        if value != "all" and value not in schema.regions:
            rep.error(f"unknown region '{value}'", did_you_mean(value, schema.regions))
            return None
        return value
    if isinstance(value, dict) and set(value) == {"from"} and isinstance(value["from"], str):
        cond, _, fname = value["from"].partition(".")
        if cond not in names or not fname:
            rep.error(
                f"'from' must name a condition of this rule and a field, got {value['from']!r}",
                did_you_mean(cond, names) if cond not in names else 'from = "pain.region"',
            )
            return None
        return ValueRef(cond, fname)
    rep.error('must be a region or { from = "name.field" }', 'region = { from = "pain.region" }')
    return None


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
            region = _parse_ref(item["region"], names, schema, sub.at("region")) if "region" in item else None
            if "region" in item and region is None:
                continue
            flags.append(FlagSpec(item["name"], region))
        else:
            sub.error(
                "a flag is a lowercase-dash name or { name = ..., region = ... }", 'flag = "load-spike"'
            )
    return flags


def _parse_dose(raw: Any, rep: Reporter) -> dict[str, Any] | None:
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
        dose = _parse_dose(item.get("dose", {}), sub.at("dose"))
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
        region = _parse_ref(value, names, schema, rep.at("region"))
        if region is None:
            ok = False
        else:
            regions.append(region)
    if key == "suppress" and not regions:
        rep.error("suppress needs a region", 'suppress = { region = "calves" }')
        return None
    default_kinds = list(LOADING_KINDS) if key == "suppress" else []
    kinds = _str_list(entry.get("kinds", default_kinds), rep.at("kinds"), "kinds")
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        rep.error(f"unknown kind '{bad[0]}'", did_you_mean(bad[0], KINDS), "kinds")
        ok = False
    loads = _str_list(entry.get("loads", []), rep.at("loads"), "loads")
    bad = [v for v in loads if v not in LOADS]
    if bad:
        rep.error(f"unknown load '{bad[0]}'", did_you_mean(bad[0], LOADS), "loads")
        ok = False
    named = _str_list(entry.get("exercises", []), rep.at("exercises"), "exercise ids")
    bad = [v for v in named if v not in exercises]
    if bad:
        rep.error(f"unknown exercise '{bad[0]}'", did_you_mean(bad[0], exercises), "exercises")
        ok = False
    tags = _str_list(entry.get("tags", []), rep.at("tags"), "tags")
    works = _str_list(entry.get("works", []), rep.at("works"), "regions")
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


def parse_example(raw: Any, schema: FactSchema, rep: Reporter, line: int | None) -> Example | None:
    if not isinstance(raw, dict):
        rep.error("an example must be a table", "[[rule.example]]")
        return None
    given_raw = raw.get("given")
    if not isinstance(given_raw, list):
        rep.error("an example needs 'given', a list of facts", 'given = [{ fact = "tightness", ... }]')
        return None
    given = []
    for index, item in enumerate(given_raw):
        fact = check_fact(item, schema, rep.at("given", index))
        if fact is not None:
            given.append(fact)
    expect = raw.get("expect", {})
    if not isinstance(expect, dict) or not expect:
        rep.error("an example needs 'expect'", 'expect.prescribe = ["plank"]')
        return None
    for key, value in expect.items():
        if key not in EXPECT_KEYS:
            rep.error(f"unknown expectation '{key}'", did_you_mean(key, EXPECT_KEYS), "expect", key)
            return None
        if key == "urgency":
            if value not in URGENCIES:
                rep.error(f"unknown urgency {value!r}", did_you_mean(str(value), URGENCIES), "expect", key)
                return None
        elif key in ("refer", "caution"):
            if not isinstance(value, bool):
                rep.error(f"'{key}' expects true or false", f"expect.{key} = true", "expect", key)
                return None
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            rep.error(f"'{key}' expects a list of ids", f'expect.{key} = ["..."]', "expect", key)
            return None
    if len(given) != len(given_raw):
        return None
    return Example(str(raw.get("name", "")), tuple(given), dict(expect), line)


def parse_rule(
    raw: Any,
    schema: FactSchema,
    exercises: set[str],
    rep: Reporter,
    file: str,
    line: int | None,
    *,
    require_examples: bool,
) -> Rule | None:
    if not isinstance(raw, dict):
        rep.error("a rule must be a table", "[[rule]]")
        return None
    ok = rep.unknown_keys(raw, RULE_KEYS)
    rule_id = _text(raw, "id", rep, required=True)
    if rule_id and not ID_PATTERN.match(rule_id):
        rep.error(
            f"id '{rule_id}' must be lowercase letters, digits and dashes", 'e.g. id = "calf-tight"', "id"
        )
        ok = False
    title = _text(raw, "title", rep, required=True)
    why = _text(raw, "why", rep, required=True)
    source = _text(raw, "source", rep, required=True)
    priority = raw.get("priority", 50)
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= MAX_PRIORITY:
        rep.error(
            f"priority must be a whole number 0..{MAX_PRIORITY}, got {priority!r}",
            "higher fires first; red flags use 900+",
            "priority",
        )
        ok, priority = False, 50
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        rep.error("enabled must be true or false", "enabled = false", "enabled")
        ok = False
    names: set[str] = set()
    parts: dict[str, list[Condition]] = {}
    kind_count: dict[str, int] = {}
    for part in ("when", "when_any", "unless"):
        conds_raw = raw.get(part, [])
        if not isinstance(conds_raw, list):
            rep.error(f"'{part}' must be a list of conditions", f'{part} = [{{ fact = "..." }}]', part)
            ok = False
            conds_raw = []
        parts[part] = []
        for index, item in enumerate(conds_raw):
            cond = parse_condition(item, schema, rep.at(part, index), names)
            if cond is None:
                ok = False
            else:
                parts[part].append(cond)
                kind_count[cond.fact] = kind_count.get(cond.fact, 0) + 1
    if ok and not (parts["when"] or parts["when_any"]):
        rep.error("a rule needs 'when' or 'when_any'", 'when = [{ fact = "tightness", ... }]')
        ok = False
    positive = parts["when"] + parts["when_any"]
    referable = {c.name for c in positive if c.name != c.fact or kind_count[c.fact] == 1}
    then = parse_then(raw.get("then"), schema, exercises, referable, rep.at("then"))
    examples: list[Example] = []
    raw_examples = raw.get("example", [])
    if not isinstance(raw_examples, list):
        rep.error("examples are [[rule.example]] tables", "[[rule.example]]", "example")
        raw_examples, ok = [], False
    for index, ex in enumerate(raw_examples):
        sub = rep.at("example", index)
        example = parse_example(ex, schema, sub, sub.locator.find(sub.path) if sub.locator else None)
        if example is None:
            ok = False
        else:
            examples.append(example)
    if require_examples and not raw_examples and ok:
        rep.error("no embedded example", "add [[rule.example]] with given and expect")
        ok = False
    tags = _str_list(raw.get("tags"), rep.at("tags"), "tags")
    if not ok or then is None:
        return None
    return Rule(
        rule_id,
        title,
        priority,
        tuple(parts["when"]),
        tuple(parts["when_any"]),
        tuple(parts["unless"]),
        then,
        why,
        source,
        tags,
        tuple(examples),
        file,
        line,
        enabled,
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
    name = _text(raw, "name", rep, required=True)
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
        values = _str_list(raw.get(key), rep.at(key), "regions")
        bad = [v for v in values if v not in schema.regions]
        if bad:
            rep.error(f"unknown region '{bad[0]}'", did_you_mean(bad[0], schema.regions), key)
            ok = False
        regions[key] = values
    if not regions["works"] and ok:
        rep.error("'works' is empty", 'list the regions it really works, e.g. works = ["glutes"]', "works")
        ok = False
    loads = regions["loads"] if "loads" in raw else (regions["works"] if kind in LOADING_KINDS else ())
    dose = _parse_dose(raw.get("dose", {}), rep.at("dose"))
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
        _str_list(raw.get("equipment"), rep.at("equipment"), "equipment"),
        dose,
        float(minutes),
        _str_list(raw.get("cues"), rep.at("cues"), "cues"),
        regression,
        str(raw.get("note", "")),
        str(progression),
        _str_list(raw.get("tags"), rep.at("tags"), "tags"),
        file,
        line,
    )

"""Raw TOML tables -> typed rules and exercises, reporting every problem found.

Validation here is complete enough that the engine never sees a definition it would
reject (durable's error codes 102/105/202/204 are caught as user errors first).

This module reads a rule and its embedded examples; the parts live beside it: its conditions
(``conditions``), its conclusions (``conclusions``), the exercises of the catalogue
(``exercises``) and the small value checks they share (``values``).
"""

from __future__ import annotations

from typing import Any

from prehab.rulebook.conclusions import parse_then
from prehab.rulebook.conditions import parse_condition
from prehab.rulebook.factcheck import check_fact
from prehab.rulebook.model import URGENCIES, Condition, Example, Rule
from prehab.rulebook.report import Reporter
from prehab.rulebook.schema import FactSchema
from prehab.rulebook.suggest import did_you_mean
from prehab.rulebook.values import ID_PATTERN, str_list, text_value

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
EXPECT_KEYS = (
    "prescribe", "not_prescribe", "flags", "fires", "not_fires", "refer", "caution", "urgency",
)  # fmt: skip
MAX_PRIORITY = 1000


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
    rule_id = text_value(raw, "id", rep, required=True)
    if rule_id and not ID_PATTERN.match(rule_id):
        rep.error(
            f"id '{rule_id}' must be lowercase letters, digits and dashes", 'e.g. id = "calf-tight"', "id"
        )
        ok = False
    title = text_value(raw, "title", rep, required=True)
    why = text_value(raw, "why", rep, required=True)
    source = text_value(raw, "source", rep, required=True)
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
        refs = _matched_names(parts["when"] + parts["when_any"]) if part == "unless" else None
        for index, item in enumerate(conds_raw):
            cond = parse_condition(item, schema, rep.at(part, index), names, refs)
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
    tags = str_list(raw.get("tags"), rep.at("tags"), "tags")
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


def _matched_names(positive: list[Condition]) -> dict[str, str]:
    """The names an ``unless`` test may copy a value from (``{ from = "p.region" }``), each with
    its fact kind: an ``as`` name, or a kind only one matched condition has."""
    count: dict[str, int] = {}
    for cond in positive:
        count[cond.fact] = count.get(cond.fact, 0) + 1
    return {c.name: c.fact for c in positive if c.name != c.fact or count[c.fact] == 1}

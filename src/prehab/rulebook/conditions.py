"""A rule's conditions (``when``, ``when_any``, ``unless``): one fact kind and tests on its fields.

Every field is checked against the fact vocabulary (facts.toml) and every test against the
field's type, so the engine never sees a condition it would reject. ``parse_ref`` reads the
``{ from = "name.field" }`` references a conclusion makes to a matched condition.
"""

from __future__ import annotations

import re
from typing import Any

from prehab.rulebook.model import OPERATORS, Condition, FieldTest, ValueRef
from prehab.rulebook.report import Reporter
from prehab.rulebook.schema import FactSchema, FieldSpec
from prehab.rulebook.suggest import did_you_mean

NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_condition(
    raw: Any,
    schema: FactSchema,
    rep: Reporter,
    names: set[str],
    refs: dict[str, str] | None = None,
) -> Condition | None:
    """One condition; ``refs`` (an ``unless``'s: the matched conditions' names and fact kinds)
    lets a test copy a matched fact's value (``{ from = "pain.region" }``)."""
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
        field_tests = _parse_tests(key, value, spec, schema, rep.at(key), refs)
        if field_tests is None:
            ok = False
        else:
            tests.extend(field_tests)
    names.add(name)
    return Condition(kind.name, tuple(tests), name) if ok else None


def _parse_tests(
    key: str, value: Any, spec: FieldSpec, schema: FactSchema, rep: Reporter, refs: dict[str, str] | None
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
        if op == "from":
            ref = _matched_ref(operand, spec, schema, refs, rep.at(op))
            if ref is None:
                return None
            tests.append(FieldTest(key, op, ref))
            continue
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


def _matched_ref(
    operand: Any, spec: FieldSpec, schema: FactSchema, refs: dict[str, str] | None, rep: Reporter
) -> ValueRef | None:
    """The matched fact's field an ``unless`` test compares with: a condition of this rule's
    ``when``/``when_any`` by name, and a field of the same type (a region with a region)."""
    if refs is None:
        rep.error(
            "'from' compares with a fact the rule matched: only an 'unless' condition can use it",
            'unless = [{ fact = "flag", name = "red-flag", region = { from = "pain.region" } }]',
        )
        return None
    cond, _, fname = operand.partition(".") if isinstance(operand, str) else ("", "", "")
    if cond not in refs or not fname:
        rep.error(
            f"'from' must name a condition of this rule's when or when_any and a field, got {operand!r}",
            did_you_mean(cond, refs) if cond and cond not in refs else 'region = { from = "pain.region" }',
        )
        return None
    kind = schema.kind(refs[cond])
    source = kind.fields.get(fname) if kind is not None else None
    if source is None:
        rep.error(f"'{refs[cond]}' has no field '{fname}'", did_you_mean(fname, kind.fields if kind else {}))
        return None
    if source.type != spec.type:
        rep.error(
            f"'{fname}' of {cond} is {source.describe()}, this field is {spec.describe()}",
            "compare a field with one of the same type (a region with a region)",
        )
        return None
    return ValueRef(cond, fname)


def parse_ref(value: Any, names: set[str], schema: FactSchema, rep: Reporter) -> str | ValueRef | None:
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

"""Check facts (from facts files, examples and questionnaires) against the vocabulary.

The engine compares strings with numbers without complaint ("abc" > 50 matched), so
nothing reaches it unchecked.
"""

from __future__ import annotations

from typing import Any

from prehab.model import Fact
from prehab.rulebook.report import Reporter
from prehab.rulebook.schema import FactSchema
from prehab.rulebook.suggest import did_you_mean

RESERVED = ("flag",)


def check_fact(raw: Any, schema: FactSchema, rep: Reporter, *, allow_flags: bool = True) -> Fact | None:
    """The fact if it fits the vocabulary; otherwise None with every problem reported."""
    if not isinstance(raw, dict):
        rep.error("a fact must be a table", '{ fact = "tightness", region = "calves", level = 5 }')
        return None
    kind_name = raw.get("fact")
    if not isinstance(kind_name, str):
        rep.error("missing 'fact' (the fact kind)", did_you_mean("", schema.kinds))
        return None
    kind = schema.kind(kind_name)
    if kind is None or (kind_name in RESERVED and not allow_flags):
        rep.error(f"unknown fact kind '{kind_name}'", did_you_mean(kind_name, schema.kinds), "fact")
        return None
    ok = True
    for key, value in raw.items():
        if key == "fact":
            continue
        spec = rep.field_of(kind, key)
        if spec is None:
            ok = False
            continue
        problem = spec.check(value, schema.regions)
        if problem:
            rep.error(problem, f"{key} takes {spec.describe()}", key)
            ok = False
    return dict(raw) if ok else None


def fact_identity(fact: Fact, schema: FactSchema) -> str:
    """A stable id from the kind and its key fields: one tightness fact per region, etc."""
    kind = schema.kind(str(fact.get("fact")))
    keys = kind.key_fields if kind else ()
    parts = [str(fact.get("fact"))] + [f"{k}={fact[k]}" for k in keys if k in fact]
    return ":".join(parts)


def facts_from_document(doc: dict[str, Any], schema: FactSchema, rep: Reporter) -> list[Fact]:
    """Facts from a facts file: each top-level key is a kind; a table is one fact, an array many."""
    facts: list[Fact] = []
    seen: dict[str, str] = {}
    for kind_name, body in doc.items():
        items = body if isinstance(body, list) else [body]
        for index, item in enumerate(items):
            sub = rep.at(kind_name, index) if isinstance(body, list) else rep.at(kind_name)
            if not isinstance(item, dict):
                sub.error(f"'{kind_name}' must be a table or an array of tables", f"write [{kind_name}]")
                continue
            fact = check_fact({"fact": kind_name, **item}, schema, sub)
            if fact is None:
                continue
            identity = fact_identity(fact, schema)
            if identity in seen:
                sub.error(f"a second '{identity}' fact", "give each region/condition/session once")
                continue
            seen[identity] = kind_name
            facts.append(fact)
    return facts

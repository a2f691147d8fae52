"""Rule pack files in, a validated Rulebook (or every problem found) out.

Layering: the shipped pack first, then the user's files, which win by id. A pack with
any error yields no rulebook, so callers keep the last good one in force.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from prehab.digest import sha256
from prehab.model import Problem, errors_in
from prehab.record import Record, field
from prehab.rulebook.model import Exercise, Rule, Rulebook
from prehab.rulebook.schema import FactSchema, parse_schema
from prehab.rulebook.suggest import did_you_mean

# What only a full load uses (the line index, the reporter, the checks: parse, exercises, ladders,
# analysis, holdcheck) is imported where a load runs it: a pack read back from the cache
# (``packcache``) needs none of their import time (the line index and deepcopy: about 1.5 ms).
from prehab.safe.toml import TomlError, decode_text, parse_toml, read_file, read_toml_text, toml_files

if TYPE_CHECKING:
    from prehab.engine.compile import Compiled
    from prehab.rulebook.locate import Locator
    from prehab.rulebook.report import Reporter

SCHEMA_FILE = "facts.toml"
TOP_KEYS = ("rule", "exercise", "override", "fact", "regions")


class SourceFile(Record):
    """One pack file as read: its text (for lines), data and layer."""

    path: Path
    text: str
    data: dict[str, Any]
    locator: Locator
    layer: str
    """"default" for the shipped pack, "user" for overrides."""

    def reporter(self) -> Reporter:
        from prehab.rulebook.report import Reporter

        return Reporter(str(self.path), self.locator)


class LoadResult(Record):
    """The rulebook (None when any error was found) and every problem, located."""

    rulebook: Rulebook | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return errors_in(self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def read_toml(path: Path, problems: list[Problem]) -> tuple[str, dict[str, Any]] | None:
    """Text and data of a TOML file; anything wrong with it (not a readable file, syntax,
    a huge number, deep nesting) becomes one located problem (``prehab.safe.toml``)."""
    try:
        return read_toml_text(path)
    except TomlError as exc:
        problems.append(exc.problem)
        return None


def load_rulebook(layers: list[Path], *, require_examples_in: int = 1, cache: bool = True) -> LoadResult:
    """Load layers in order (later wins by id). The first ``require_examples_in`` layers must
    give every rule an embedded example (the shipped pack does; user rules need not).

    The result of an unchanged pack comes from the cache folder (``packcache``: keyed by the
    bytes of every file read here, which are the bytes parsed); ``cache=False`` always checks."""
    problems: list[Problem] = []
    files: list[tuple[int, Path, bytes]] = []
    unread = False
    for index, layer in enumerate(layers):
        if not layer.exists() and not layer.is_symlink():
            if index == 0:
                problems.append(Problem(str(layer), None, "", "no such file or folder", "check the path"))
            continue
        for path in toml_files(layer, problems):
            try:
                files.append((index, path, read_file(path)))
            except TomlError as exc:
                problems.append(exc.problem)
                unread = True
    pack_key = None
    if cache and not unread:
        from prehab.rulebook import packcache

        pack_key = packcache.key(files, require_examples_in)
        hit = packcache.read(pack_key)
        if hit is not None:
            return LoadResult(hit.rulebook, problems + hit.problems)
    listed = len(problems)
    result = _load_files(files, problems, require_examples_in)
    if pack_key is not None:
        packcache.write(pack_key, LoadResult(result.rulebook, result.problems[listed:]))
    return result


def _load_files(
    files: list[tuple[int, Path, bytes]], problems: list[Problem], require_examples_in: int
) -> LoadResult:
    from prehab.rulebook.locate import Locator
    from prehab.rulebook.parse import parse_rule

    sources: list[SourceFile] = []
    for index, path, data in files:
        try:
            text = decode_text(data, path)
            parsed = parse_toml(text, str(path))
        except TomlError as exc:
            problems.append(exc.problem)
            continue
        kind = "default" if index < require_examples_in else "user"
        sources.append(SourceFile(path, text, parsed, Locator(text), kind))
    for src in sources:
        rep = src.reporter()
        rep.unknown_keys(src.data, TOP_KEYS, "top-level key")
        problems.extend(rep.problems)
    schema = _load_schema(sources, problems)
    exercises = _load_exercises(sources, schema, problems)
    raw_rules, replaced = _collect_rules(sources, problems)
    overridden: dict[str, tuple[SourceFile, int]] = {}
    disabled = _apply_overrides(sources, raw_rules, problems, overridden)
    rules: dict[str, Rule] = {}
    for rule_id, (raw, src, index) in raw_rules.items():
        rep = src.reporter().at("rule", index, label=rule_id if isinstance(rule_id, str) else None)
        rule = parse_rule(
            raw,
            schema,
            set(exercises),
            rep,
            str(src.path),
            src.locator.find(("rule", index)),
            require_examples=src.layer == "default",
        )
        problems.extend(
            _at_override(rep.problems, overridden.get(rule_id)) if rule_id in overridden else rep.problems
        )
        if rule is not None:
            rules[rule.id] = rule
    compiled = _cross_check(rules, exercises, schema, problems)
    if errors_in(problems):
        return LoadResult(None, problems)
    digest = sha256()
    for src in sources:
        digest.update(str(src.path).encode() + b"\0" + src.text.encode())
    from prehab.engine.compile import plan_rules  # plain data: no durable import

    book = Rulebook(
        schema, rules, exercises, [s.path for s in sources], digest.hexdigest()[:16], replaced, disabled
    )
    # kept in the pack cache: a start compiles nothing; the limit check's compile serves it
    book.plan = plan_rules(book.active_rules, compiled)
    return LoadResult(book, problems)


def _load_schema(sources: list[SourceFile], problems: list[Problem]) -> FactSchema:
    merged: dict[str, Any] = {"regions": {"values": []}, "fact": {}}
    schema_sources = [s for s in sources if "fact" in s.data or "regions" in s.data]
    for src in schema_sources:
        rep = src.reporter()
        regions = src.data.get("regions", {})
        values = regions.get("values", []) if isinstance(regions, dict) else None
        if not isinstance(values, list) or not all(isinstance(r, str) for r in values):
            rep.error("regions.values must be a list of names", 'values = ["calves", ...]', "regions")
            values = []
        for region in values:
            if region not in merged["regions"]["values"]:
                merged["regions"]["values"].append(region)
        kinds = src.data.get("fact") or {}
        if not isinstance(kinds, dict):
            rep.error("fact kinds are tables: [fact.KIND]", "[fact.tightness]", "fact")
            kinds = {}
        for kind, spec in kinds.items():
            base = merged["fact"].get(kind)
            if isinstance(spec, dict) and isinstance(base, dict):
                new_fields = spec.get("fields", {})
                if not isinstance(new_fields, dict):
                    fix = 'fields.level = { type = "int" }'
                    rep.error("fields are tables: fields.NAME = { ... }", fix, "fact", kind, "fields")
                    continue
                base_fields = base.get("fields", {})
                fields = {**(base_fields if isinstance(base_fields, dict) else {}), **new_fields}
                merged["fact"][kind] = {**base, **spec, "fields": fields}
            else:
                merged["fact"][kind] = spec
        problems.extend(rep.problems)
    schema, found = parse_schema(merged)
    where = schema_sources[-1] if schema_sources else None
    for path, message, fix in found:
        line = where.locator.find(tuple(path.split("."))) if where else None
        problems.append(Problem(str(where.path) if where else SCHEMA_FILE, line, path, message, fix))
    if not schema.kinds:
        problems.append(
            Problem(
                SCHEMA_FILE,
                None,
                "",
                "no fact kinds defined",
                "the pack needs a facts.toml (copy the shipped one)",
            )
        )
    return schema


def _load_exercises(
    sources: list[SourceFile], schema: FactSchema, problems: list[Problem]
) -> dict[str, Exercise]:
    from prehab.rulebook.exercises import parse_exercise
    from prehab.rulebook.ladders import ladder_problems

    exercises: dict[str, Exercise] = {}
    for src in sources:
        table = src.data.get("exercise", {})
        rep = src.reporter()
        if not isinstance(table, dict):
            rep.error("'exercise' must be tables: [exercise.ID]", "[exercise.plank]", "exercise")
            problems.extend(rep.problems)
            continue
        for ex_id, raw in table.items():
            sub = rep.at("exercise", ex_id)
            ex = parse_exercise(ex_id, raw, schema, sub, str(src.path), src.locator.find(("exercise", ex_id)))
            if ex is not None:
                exercises[ex_id] = ex
        problems.extend(rep.problems)
    for ex in exercises.values():
        for key, target in (("regression", ex.regression), ("progression", ex.progression)):
            if target and target not in exercises:
                problems.append(
                    Problem(
                        ex.file,
                        ex.line,
                        f"exercise.{ex.id}.{key}",
                        f"unknown exercise '{target}'",
                        did_you_mean(target, exercises),
                    )
                )
    problems.extend(ladder_problems(exercises))
    return exercises


RawRules = dict[str, tuple[dict[str, Any], SourceFile, int]]


def _collect_rules(sources: list[SourceFile], problems: list[Problem]) -> tuple[RawRules, dict[str, str]]:
    raw_rules: RawRules = {}
    replaced: dict[str, str] = {}
    for src in sources:
        items = src.data.get("rule", [])
        rep = src.reporter()
        if not isinstance(items, list):
            rep.error("rules are [[rule]] tables", "write [[rule]] (two brackets)", "rule")
            problems.extend(rep.problems)
            continue
        for index, raw in enumerate(items):
            rule_id = raw.get("id") if isinstance(raw, dict) else None
            key = rule_id if isinstance(rule_id, str) else f"<rule {index + 1} in {src.path.name}>"
            if key in raw_rules:
                _, previous, _ = raw_rules[key]
                if src.layer == "user" and previous.layer == "default":
                    replaced[key] = str(src.path)
                else:
                    rep.at("rule", index, label=key).error(
                        f"duplicate rule id '{key}' (also in {previous.path.name})",
                        "give each rule its own id, or put the replacement in your config folder",
                        "id",
                    )
                    continue
            raw_rules[key] = (raw, src, index)
        problems.extend(rep.problems)
    return raw_rules, replaced


def _at_override(found: list[Problem], override: tuple[SourceFile, int] | None) -> list[Problem]:
    """A problem in a rule that an override changed is the override's: it is shown at the user's
    file and line (the shipped rule, as shipped, is checked clean), with where the rule is."""
    if override is None:
        return found
    src, index = override
    line = src.locator.find(("override", index, "set")) or src.locator.find(("override", index))
    return [
        Problem(
            str(src.path),
            line,
            p.path,
            f"{p.message} (your override of the rule makes it so; the rule is at {p.file}:{p.line})",
            p.fix,
            p.severity,
        )  # fmt: skip
        for p in found
    ]


def _apply_overrides(
    sources: list[SourceFile],
    raw_rules: RawRules,
    problems: list[Problem],
    overridden: dict[str, tuple[SourceFile, int]] | None = None,
) -> set[str]:
    from copy import deepcopy

    disabled: set[str] = set()
    for src in sources:
        items = src.data.get("override", [])
        rep = src.reporter()
        if not isinstance(items, list):
            rep.error("overrides are [[override]] tables", "write [[override]]", "override")
            problems.extend(rep.problems)
            continue
        for index, item in enumerate(items):
            sub = rep.at("override", index)
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                sub.error("an override needs the id of the rule it changes", 'id = "calf-tight"')
                continue
            rule_id = item["id"]
            if rule_id not in raw_rules:
                sub.error(f"no rule with id '{rule_id}'", did_you_mean(rule_id, raw_rules), "id")
                continue
            unknown = set(item) - {"id", "enabled", "set"}
            if unknown:
                sub.error(f"unknown key '{sorted(unknown)[0]}'", "an override has id, enabled and set")
                continue
            raw, rule_src, rule_index = raw_rules[rule_id]
            raw = deepcopy(raw)
            if "enabled" in item:
                if not isinstance(item["enabled"], bool):
                    sub.error("enabled must be true or false", "enabled = false", "enabled")
                    continue
                raw["enabled"] = item["enabled"]
                if not item["enabled"]:
                    disabled.add(rule_id)
            changes = item.get("set") or {}
            if not isinstance(changes, dict):
                sub.error("set takes a table of key paths", 'set = { "when.0.level.at_least" = 5 }', "set")
                continue
            for dotted, value in changes.items():
                error = set_path(raw, dotted, value)
                if error:
                    sub.error(f"set '{dotted}': {error}", "paths look like when.0.level.at_least", "set")
            raw_rules[rule_id] = (raw, rule_src, rule_index)
            if overridden is not None and changes:
                overridden[rule_id] = (src, index)
        problems.extend(rep.problems)
    return disabled


def set_path(raw: dict[str, Any], dotted: str, value: Any) -> str | None:
    """Set a value by a dotted path of keys and list indexes; the reason if the path is wrong."""
    parts = dotted.split(".")
    node: Any = raw
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return f"'{part}' is not an index of a list of {len(node)}"
            if last:
                node[int(part)] = value
                return None
            node = node[int(part)]
        elif isinstance(node, dict):
            if last:
                if part not in node:
                    return f"no key '{part}' here; {did_you_mean(part, node)}"
                node[part] = value
                return None
            if part not in node:
                return f"no key '{part}' here; {did_you_mean(part, node)}"
            node = node[part]
        else:
            return f"cannot go into '{part}': the value there is not a table or list"
    return None


def _cross_check(
    rules: dict[str, Rule], exercises: dict[str, Exercise], schema: FactSchema, problems: list[Problem]
) -> Compiled | None:
    """Whole-pack checks into ``problems``; the enabled rules' compile the engine's limits were
    counted on (None when a cycle stops it), for the engine's plan."""
    from prehab.engine.compile import compile_rules
    from prehab.rulebook import analysis, holdcheck

    active = [r for r in rules.values() if r.enabled]
    _, cycle = analysis.stratify(active)
    if cycle:
        first = rules[cycle[0]]
        problems.append(
            Problem(
                first.file,
                first.line,
                f"rule.{first.id}",
                "rules depend on each other through 'unless' in a cycle: " + " -> ".join(cycle + [cycle[0]]),
                "break the cycle: one of them must not wait for the other's flag",
            )
        )
    for members in analysis.flag_cycles(active):
        first = rules[members[0]]
        problems.append(
            Problem(
                first.file,
                first.line,
                f"rule.{first.id}",
                "these rules chain into each other in a circle: " + ", ".join(members),
                "a circle only fires if something outside it starts it; check it is meant",
                "warning",
            )
        )
    for rule, flag in analysis.waiting_for_unknown_flags(active):
        problems.append(
            Problem(
                rule.file,
                rule.line,
                f"rule.{rule.id}",
                f"waits for flag '{flag}' that no rule concludes",
                did_you_mean(flag, analysis.producers(active)),
                "warning",
            )
        )
    compiled = None
    if not cycle:  # the engine's limits, counted on the compiled pack (prehab.engine.limits)
        from prehab.engine.limits import check as engine_limits

        compiled = compile_rules(active)
        for limit in engine_limits(active, schema, compiled):
            if limit.rule is not None:
                at = limit.rule
                where = f"rule.{at.id}.{limit.path}" if limit.path else f"rule.{at.id}"
                problems.append(Problem(at.file, at.line, where, limit.message, limit.fix))
            else:
                file = SCHEMA_FILE if limit.path.startswith("fact.") else "rule pack"
                problems.append(Problem(file, None, limit.path, limit.message, limit.fix))
    for rule in active:
        for key, category in holdcheck.uncovered(rule):
            problems.append(
                Problem(
                    rule.file,
                    rule.line,
                    f"rule.{rule.id}.then.{key}",
                    f"the {key} forbids {category} but no hold of the rule enforces it, so the plan "
                    "could contradict it",
                    f"add {holdcheck.fix_for(category)}, or reword the {key}",
                )
            )
    tags = {t for ex in exercises.values() for t in ex.tags}
    for rule, tag in holdcheck.unknown_hold_tags(active, tags):
        problems.append(
            Problem(
                rule.file,
                rule.line,
                f"rule.{rule.id}.then.hold",
                f"no exercise in the catalogue has tag '{tag}', so this hold matches nothing",
                did_you_mean(tag, tags),
                "warning",
            )
        )
    return compiled


def default_layers(extra: Path | None = None, *, include_user: bool = True) -> list[Path]:
    """The shipped pack, then the user's rules folder; ``extra`` replaces or extends them."""
    from prehab.paths import default_rule_layers, default_rules_dir

    base = default_rules_dir()
    if extra is not None:
        if extra.is_dir() and (extra / SCHEMA_FILE).exists():
            return [extra]
        return [base, extra]
    return default_rule_layers() if include_user else [base]

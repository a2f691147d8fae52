"""Engine benchmarks: pack size, history size and CLI start-up, with ratios against plain Python.

Run by hand (never part of pytest; nothing here asserts on time):

    .venv/bin/python bench/engine.py            # everything, about a minute
    .venv/bin/python bench/engine.py --quick    # fewer repeats, for a smoke run

Why it exists: prehab wraps durable-rules, an unmaintained C engine with hard limits (error 303
past ~64 conditions per fact, a hang at 512 tests after one node: bench/limits.py). The bench answers
three questions a user editing rules would ask: does my 1000-rule pack still work (or fail with a
clear message)?  Is the engine worth it compared with a naive loop and a pure-Python forward chainer
over the same rules?  Is the default
pack fast enough to re-evaluate on every keystroke (goal: default pack + 1 year of history under
20 ms)?  See bench/README.md.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import tomli_w

from prehab.advice import evaluate
from prehab.day.facts import facts_for_day
from prehab.engine import limits
from prehab.engine.runner import Engine, EngineError
from prehab.facts.history import build_facts
from prehab.facts.metrics import load_metrics
from prehab.model import Fact
from prehab.rulebook import analysis
from prehab.rulebook.loader import LoadResult, default_layers, load_rulebook
from prehab.rulebook.matching import blocked, condition_holds, rule_matches
from prehab.rulebook.model import Rule, Rulebook, ValueRef
from prehab.store import Session, Settings, Store

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
HISTORY_GOAL_MS = 20.0
SIZES = (50, 200, 1000)
REGIONS = (
    "core", "lower_back", "quadriceps", "hamstrings", "glutes", "hip_flexors", "adductors",
    "hip_rotators", "calves", "achilles", "shins", "feet", "knees", "it_band", "upper_body",
)  # fmt: skip
LOAD_FIELDS = (
    ("weekly_change_pct", 10, 60),
    ("two_week_change_pct", 10, 60),
    ("run_spike_pct", 5, 40),
    ("acwr", 1.0, 2.0),
    ("monotony", 1.0, 3.0),
    ("weekly_km", 20, 120),
    ("hard_sessions_7d", 1, 5),
    ("days_since_strength", 3, 21),
    ("days_since_mobility", 2, 14),
    ("long_run_share_pct", 25, 50),
)
INJURIES = (
    "patellofemoral", "achilles", "plantar_fascia", "it_band", "hamstring", "shin_splints",
    "calf_strain", "bone_stress",
)  # fmt: skip
SESSION_TYPES = ("easy", "long", "tempo", "intervals", "race", "hills", "strength", "mobility")


# --------------------------------------------------------------------------------------------
# timing helpers


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn`` in milliseconds: medians ignore the odd GC pause or context switch."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# synthetic rule packs


def _catalogue() -> dict[tuple[str, str], list[str]]:
    """(region, kind) -> exercise ids from the shipped catalogue, so prescriptions are valid."""
    data = tomllib.loads((RULES / "exercises.toml").read_text(encoding="utf-8"))["exercise"]
    out: dict[tuple[str, str], list[str]] = {}
    for ex_id, ex in data.items():
        for region in ex.get("works", []):
            out.setdefault((region, ex["kind"]), []).append(ex_id)
    return out


def _pick(cat: dict[tuple[str, str], list[str]], region: str, kind: str, rng: random.Random) -> str:
    options = cat.get((region, kind)) or cat.get((region, "mobility")) or cat[("core", "strength")]
    return rng.choice(options)


def realistic_rules(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """``n`` valid rules shaped like a big user pack: spread over regions and fields.

    Mix (by share): tightness 25 %, soreness 15 %, pain 15 % (flags + suppressions), flag chains
    20 % (half with ``unless`` on a red flag, which adds a stratum), injuries 8 %, answers 7 %,
    sessions 5 %, load thresholds 5 % (capped: every load condition can match the one load fact).
    Some rules also test the athlete; that is capped too for the same reason.
    """
    rng = random.Random(seed)
    cat = _catalogue()
    plan = (
        ["tightness"] * 25 + ["soreness"] * 15 + ["pain"] * 15 + ["chain"] * 20
        + ["injury"] * 8 + ["answer"] * 7 + ["session"] * 5 + ["load"] * 5
    )  # fmt: skip
    kinds = [plan[i % len(plan)] for i in range(n)]
    rng.shuffle(kinds)
    budget = {"load": 45, "athlete": 40, "session": 45}
    rules: list[dict[str, Any]] = []
    for i, kind in enumerate(kinds):
        region = REGIONS[i % len(REGIONS)]
        rule: dict[str, Any] = {
            "id": f"syn-{kind}-{i}",
            "title": f"Synthetic {kind} rule {i}",
            "priority": rng.randint(10, 800),
            "why": "Synthetic rule for the engine benchmark.",
            "source": "bench/engine.py",
        }
        then: dict[str, Any] = {}
        if kind == "tightness":
            rule["when"] = [{"fact": "tightness", "region": region, "level": {"at_least": rng.randint(2, 8)}}]
            then["prescribe"] = [{"exercise": _pick(cat, region, "mobility", rng)}]
            if rng.random() < 0.4:
                then["flag"] = {"name": "tight", "region": {"from": "tightness.region"}}
        elif kind == "soreness":
            rule["when"] = [{"fact": "soreness", "region": region, "level": {"above": rng.randint(2, 7)}}]
            then["prescribe"] = [{"exercise": _pick(cat, region, "mobility", rng), "dose": {"sets": 2}}]
            then["note"] = "Soreness: keep it easy."
        elif kind == "pain":
            level = rng.randint(3, 8)
            rule["when"] = [{"fact": "pain", "region": region, "level": {"above": level}}]
            then["caution"] = "Pain: hold back loading of this region."
            if level >= 6:
                then["flag"] = {"name": "red-flag-syn", "region": {"from": "pain.region"}}
                then["suppress"] = {"region": {"from": "pain.region"}}
            else:
                then["flag"] = {"name": "sore-area", "region": {"from": "pain.region"}}
        elif kind == "chain":
            name = rng.choice(["tight", "sore-area"])
            rule["when"] = [{"fact": "flag", "name": name, "region": region}]
            if rng.random() < 0.5:
                rule["unless"] = [{"fact": "flag", "name": "red-flag-syn", "region": region}]
            then["prescribe"] = [{"exercise": _pick(cat, region, "strength", rng)}]
        elif kind == "injury":
            rule["when"] = [
                {
                    "fact": "injury",
                    "condition": rng.choice(INJURIES),
                    "status": {"one_of": ["current", "recovering"]},
                }
            ]
            then["prescribe"] = [{"exercise": _pick(cat, rng.choice(REGIONS), "strength", rng)}]
            then["caution"] = "Injury: progress slowly."
        elif kind == "answer":
            rule["when"] = [{"fact": "answer", "question": f"q-{i % 60}", "value": True}]
            then["note"] = "An answer-driven note."
        elif kind == "session" and budget["session"] > 0:
            budget["session"] -= 1
            rule["when"] = [
                {
                    "fact": "session",
                    "type": rng.choice(SESSION_TYPES),
                    "days_ago": {"at_most": rng.randint(0, 3)},
                }
            ]
            then["note"] = "Recent session context."
        elif kind == "load" and budget["load"] > 0:
            budget["load"] -= 1
            fname, low, high = LOAD_FIELDS[i % len(LOAD_FIELDS)]
            threshold = (
                round(rng.uniform(low, high), 1)
                if isinstance(low, float)
                else rng.randint(int(low), int(high))
            )
            rule["when"] = [{"fact": "load", fname: {"above": threshold}}]
            then["flag"] = f"load-{fname.replace('_', '-')}"
            then["note"] = f"{fname} is high."
        else:  # over a budget: another tightness rule, spread by region
            rule["when"] = [{"fact": "tightness", "region": region, "level": {"at_least": rng.randint(2, 8)}}]
            then["prescribe"] = [{"exercise": _pick(cat, region, "mobility", rng)}]
        if budget["athlete"] > 0 and rng.random() < 0.05:
            budget["athlete"] -= 1
            rule["when"].append({"fact": "athlete", "experience": rng.choice(["beginner", "advanced"])})
        rule["then"] = then
        rules.append(rule)
    return rules


def pathological_rules(n: int, shape: str) -> list[dict[str, Any]]:
    """``n`` rules all testing one field: the packs the loader must refuse rather than crash or hang.

    ``thresholds``: distinct ``load.weekly_km`` thresholds (every one matches one load fact: error 303).
    ``literals``: distinct ``answer.question`` literals (durable's create_ruleset hangs past ~520).
    """
    rules = []
    for i in range(n):
        if shape == "thresholds":
            cond: dict[str, Any] = {"fact": "load", "weekly_km": {"above": round(i * 0.1, 1)}}
        else:
            cond = {"fact": "answer", "question": f"question-{i}", "value": True}
        rules.append(
            {
                "id": f"patho-{i}",
                "title": f"Pathological {i}",
                "when": [cond],
                "then": {"note": "n"},
                "why": "bench",
                "source": "bench",
            }
        )
    return rules


def write_pack(rules: list[dict[str, Any]], dest: Path) -> Path:
    """A complete pack folder: copies of the shipped vocabulary and catalogue plus ``rules.toml``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(RULES / "facts.toml", dest / "facts.toml")
    shutil.copy(RULES / "exercises.toml", dest / "exercises.toml")
    (dest / "rules.toml").write_text(tomli_w.dumps({"rule": rules}), encoding="utf-8")
    return dest


def load_pack(pack: Path) -> LoadResult:
    # A user-style pack: rules without embedded examples are fine (require_examples_in=0).
    return load_rulebook([pack], require_examples_in=0)


# --------------------------------------------------------------------------------------------
# synthetic athletes and the plain-Python evaluation


def synthetic_athletes(count: int, seed: int = 7) -> list[list[Fact]]:
    """Facts like a real check-in plus history: a dozen to twenty facts per athlete."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        facts: list[Fact] = [
            {"fact": "athlete", "experience": rng.choice(["beginner", "intermediate", "advanced"])},
            {
                "fact": "schedule",
                "days_to_goal_race": rng.randint(0, 200),
                "key_run_today": rng.random() < 0.3,
            },
            {
                "fact": "load",
                "weekly_km": round(rng.uniform(10, 100), 1),
                "weekly_change_pct": round(rng.uniform(-40, 60), 1),
                "two_week_change_pct": round(rng.uniform(-40, 60), 1),
                "run_spike_pct": round(rng.uniform(-30, 40), 1),
                "acwr": round(rng.uniform(0.6, 2.0), 2),
                "monotony": round(rng.uniform(0.5, 3.0), 2),
                "hard_sessions_7d": rng.randint(0, 4),
                "days_since_strength": rng.randint(0, 20),
                "days_since_mobility": rng.randint(0, 10),
                "long_run_share_pct": round(rng.uniform(15, 45), 1),
            },
        ]
        for region in rng.sample(REGIONS, rng.randint(2, 5)):
            facts.append({"fact": "tightness", "region": region, "level": rng.randint(0, 10)})
        for region in rng.sample(REGIONS, rng.randint(0, 2)):
            facts.append({"fact": "soreness", "region": region, "level": rng.randint(0, 10)})
        for region in rng.sample(REGIONS, rng.randint(0, 2)):
            facts.append({"fact": "pain", "region": region, "level": rng.randint(0, 10)})
        if rng.random() < 0.4:
            facts.append({"fact": "injury", "condition": rng.choice(INJURIES), "status": "recovering"})
        for days_ago in range(rng.randint(3, 6)):
            facts.append({"fact": "session", "days_ago": days_ago, "type": rng.choice(SESSION_TYPES)})
        for q in rng.sample(range(60), 3):
            facts.append({"fact": "answer", "question": f"q-{q}", "value": rng.random() < 0.5})
        facts.append({"fact": "goal", "focus": "injury-prevention"})
        out.append(facts)
    return out


@dataclass
class PlainResult:
    fired: set[str] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)
    conclusions: list[tuple[str, str, str]] = field(default_factory=list)


def _ref_values(rule: Rule, ref: str | ValueRef | None, facts: list[Fact]) -> list[str]:
    """Values a ``{ from = "p.field" }`` copies: one per fact the named condition matches."""
    if not isinstance(ref, ValueRef):
        return [ref or ""]
    conds = [c for c in rule.when + rule.when_any if c.name == ref.condition]
    return sorted({str(f.get(ref.field, "")) for c in conds for f in facts if condition_holds(c, f)})


def plain_evaluate(book: Rulebook, facts: list[Fact], strata: dict[str, int]) -> PlainResult:
    """The naive alternative to the engine: loop over every rule with ``rule_matches`` until no
    new flag appears, stratum by stratum (so ``unless`` sees every flag it could be blocked by),
    then collect the conclusions of the rules that matched. No indexing, no sharing."""
    result = PlainResult()
    known = list(facts)
    seen_flags: set[str] = set()
    rules = book.active_rules
    for stage in sorted(set(strata.values())):
        group = [r for r in rules if strata[r.id] == stage]
        changed = True
        while changed:
            changed = False
            for rule in group:
                if not rule_matches(rule, known):
                    continue
                result.fired.add(rule.id)
                for flag in rule.then.flags:
                    for region in _ref_values(rule, flag.region, known):
                        label = f"{flag.name}:{region}" if region else flag.name
                        if label in seen_flags:
                            continue
                        seen_flags.add(label)
                        fact: Fact = {"fact": "flag", "name": flag.name}
                        if region:
                            fact["region"] = region
                        known.append(fact)
                        changed = True
    result.flags = seen_flags
    for rule_id in sorted(result.fired):
        rule = book.rules[rule_id]
        for spec in rule.then.prescribe:
            result.conclusions.append(("prescribe", rule_id, spec.exercise))
        for key in ("refer", "caution", "note"):
            if getattr(rule.then, key):
                result.conclusions.append((key, rule_id, getattr(rule.then, key)))
        for hold in rule.then.holds:
            for ref in hold.regions:
                for region in _ref_values(rule, ref, known):
                    result.conclusions.append(("hold", rule_id, region))
    return result


class ForwardChainer:
    """A pure-Python forward-chaining engine: the peer an experta port of the pack would be,
    without the dependency (experta 1.9.4 needs a frozendict pin and is unmaintained).

    Like experta (and like prehab's engine) it keeps a working memory, an agenda of activations
    (a rule with the facts it bound), fires the highest priority first, fires each activation
    once (refraction), and asserts each concluded flag into working memory, where it activates
    the rules that wait for it: matching is incremental (a new fact is joined with the facts
    already there), not a rescan of every rule. Strata run in order so ``unless`` is sound, as
    in the engine. It returns what ``plain_evaluate`` does, so the two can be compared.
    """

    def __init__(self, book: Rulebook) -> None:
        self.book = book
        strata, _ = analysis.stratify(book.active_rules)
        self.stages: list[list[Rule]] = [[] for _ in range(max(strata.values(), default=0) + 1)]
        for rule in sorted(book.active_rules, key=lambda r: -r.priority):
            self.stages[strata[rule.id]].append(rule)
        self.watching: list[dict[str, list[Rule]]] = []
        """Per stage: fact kind -> the stage's rules with a positive condition on that kind."""
        for rules in self.stages:
            index: dict[str, list[Rule]] = {}
            for rule in rules:
                for kind in {c.fact for c in rule.when + rule.when_any}:
                    index.setdefault(kind, []).append(rule)
            self.watching.append(index)

    def run(self, facts: list[Fact]) -> PlainResult:
        result = PlainResult()
        memory: dict[str, list[Fact]] = {}
        for fact in facts:
            memory.setdefault(str(fact.get("fact")), []).append(fact)
        fired: set[tuple[str, tuple[int, ...]]] = set()
        order = itertools.count()
        for stage, rules in enumerate(self.stages):
            agenda: list[tuple[int, int, Rule, tuple[Fact, ...]]] = []
            for rule in rules:
                for binding in self._bindings(rule, memory, None):
                    heapq.heappush(agenda, (-rule.priority, next(order), rule, binding))
            while agenda:
                _, _, rule, binding = heapq.heappop(agenda)
                key = (rule.id, tuple(sorted(id(f) for f in binding)))
                if key in fired:
                    continue
                fired.add(key)
                if blocked(rule, memory, _bound(rule, binding)):
                    continue
                result.fired.add(rule.id)
                self._conclude(rule, binding, result)
                for flag in rule.then.flags:
                    region = _ref_value(flag.region, rule, binding)
                    label = f"{flag.name}:{region}" if region else flag.name
                    if label in result.flags:
                        continue
                    result.flags.add(label)
                    new: Fact = {"fact": "flag", "name": flag.name, **({"region": region} if region else {})}
                    memory.setdefault("flag", []).append(new)
                    for waiting in self.watching[stage].get("flag", ()):
                        for b in self._bindings(waiting, memory, new):
                            heapq.heappush(agenda, (-waiting.priority, next(order), waiting, b))
        return result

    @staticmethod
    def _bindings(rule: Rule, memory: dict[str, list[Fact]], new: Fact | None) -> list[tuple[Fact, ...]]:
        """Every way the rule's conditions bind facts (one fact per ``when`` condition, plus one
        for one ``when_any`` alternative); with ``new``, only the bindings that use it."""
        slots = [[f for f in memory.get(c.fact, ()) if condition_holds(c, f)] for c in rule.when]
        if rule.when_any:
            seen: dict[int, Fact] = {}
            for cond in rule.when_any:
                for f in memory.get(cond.fact, ()):
                    if condition_holds(cond, f):
                        seen[id(f)] = f
            slots.append(list(seen.values()))
        if any(not slot for slot in slots):
            return []
        combos = list(itertools.product(*slots))
        return [c for c in combos if new is None or any(f is new for f in c)]

    @staticmethod
    def _conclude(rule: Rule, binding: tuple[Fact, ...], out: PlainResult) -> None:
        for spec in rule.then.prescribe:
            out.conclusions.append(("prescribe", rule.id, spec.exercise))
        for key in ("refer", "caution", "note"):
            if getattr(rule.then, key):
                out.conclusions.append((key, rule.id, getattr(rule.then, key)))
        for hold in rule.then.holds:
            for ref in hold.regions:
                out.conclusions.append(("hold", rule.id, _ref_value(ref, rule, binding)))


def _ref_value(ref: str | ValueRef | None, rule: Rule, binding: tuple[Fact, ...]) -> str:
    """What ``{ from = "p.field" }`` copies from the facts a firing bound."""
    if not isinstance(ref, ValueRef):
        return ref or ""
    for cond, fact in zip(rule.when, binding, strict=False):
        if cond.name == ref.condition:
            return str(fact.get(ref.field, ""))
    if rule.when_any and any(c.name == ref.condition for c in rule.when_any):
        return str(binding[len(rule.when)].get(ref.field, ""))
    return ""


# --------------------------------------------------------------------------------------------
# a. pack size


@dataclass
class PackRow:
    label: str
    rules: int
    load_ms: float
    create_ms: float | None = None
    engine_ms: float | None = None
    plain_ms: float | None = None
    forward_ms: float | None = None
    agree: str = "-"
    outcome: str = ""


def bench_pack(label: str, rules: list[dict[str, Any]], workdir: Path, athletes: list[list[Fact]],
               repeat: int) -> PackRow:  # fmt: skip
    pack = write_pack(rules, workdir / label)
    start = time.perf_counter()
    loaded = load_pack(pack)
    row = PackRow(label, len(rules), (time.perf_counter() - start) * 1000)
    book = loaded.rulebook
    if book is None:
        limit = [str(p.message) for p in loaded.errors]
        row.outcome = "REFUSED by the loader: " + (limit[0] if limit else "no message")
        return row
    try:
        row.create_ms = median_ms(lambda: Engine(book), max(3, repeat // 10))
        engine = Engine(book)
        forward = ForwardChainer(book)
        strata, _ = analysis.stratify(book.active_rules)
        disagree = 0
        for facts in athletes:
            run = engine.run(facts)
            if run.errors:
                raise EngineError("; ".join(run.errors))
            plain = plain_evaluate(book, facts, strata)
            peer = forward.run(facts)
            fired, flags = {f.rule_id for f in run.firings}, set(run.flags)
            if (fired, flags) != (plain.fired, plain.flags) or (fired, flags) != (peer.fired, peer.flags):
                disagree += 1
        row.agree = "yes" if not disagree else f"NO ({disagree}/{len(athletes)})"

        def engine_all() -> None:
            for facts in athletes:
                engine.run(facts)

        def plain_all() -> None:
            for facts in athletes:
                plain_evaluate(book, facts, strata)

        def forward_all() -> None:
            for facts in athletes:
                forward.run(facts)

        row.engine_ms = median_ms(engine_all, repeat) / len(athletes)
        row.plain_ms = median_ms(plain_all, repeat) / len(athletes)
        row.forward_ms = median_ms(forward_all, repeat) / len(athletes)
        row.outcome = "works (no error 303)"
    except EngineError as exc:
        row.outcome = f"ENGINE ERROR: {exc}"
    return row


def guard_off_probe(pack: Path, timeout: float) -> str:
    """What durable itself does with a refused pack when prehab's limits are switched off.

    Runs in a subprocess with a timeout, because the literal case is expected to hang forever.
    This is the evidence that the loader's refusal guards against something real.
    """
    code = (
        "import sys\n"
        "from prehab.rulebook import analysis\n"
        "analysis.MAX_CONDITIONS_PER_FACT = 10**9\n"
        "from prehab.engine import limits\n"
        "limits.check = lambda rules, schema=None: []\n"
        "from prehab.rulebook.loader import load_rulebook\n"
        "from prehab.engine.runner import Engine, EngineError\n"
        "from pathlib import Path\n"
        f"result = load_rulebook([Path({str(pack)!r})], require_examples_in=0)\n"
        "book = result.rulebook\n"
        "if book is None:\n"
        "    print('loader still refused:', result.errors[0].message)\n"
        "    sys.exit(0)\n"
        "try:\n"
        "    e = Engine(book)\n"
        "    r = e.run([{'fact': 'load', 'weekly_km': 1999}, {'fact': 'answer', 'question': 'question-3',"
        " 'value': True}])\n"
        "    print('ran; errors:', r.errors)\n"
        "except EngineError as exc:\n"
        "    print('EngineError:', exc)\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return f"durable did not finish within {timeout:.0f} s (hang): the loader's refusal is needed"
    text = (done.stdout + done.stderr).strip().splitlines()
    return text[-1] if text else f"exit {done.returncode}"


def section_pack_size(workdir: Path, quick: bool, probe: bool) -> dict[str, float]:
    print("\n== a. Engine evaluation vs pack size (synthetic packs, 20 athletes, per-athlete medians) ==")
    athletes = synthetic_athletes(20)
    repeat = 5 if quick else 25
    rows = [bench_pack(f"realistic-{n}", realistic_rules(n), workdir, athletes, repeat) for n in SIZES]
    patho = {
        "thresholds": pathological_rules(1000, "thresholds"),
        "literals": pathological_rules(1000, "literals"),
    }
    rows += [bench_pack(f"patho-{k}-1000", r, workdir, athletes, repeat) for k, r in patho.items()]
    print(
        table(
            [
                "pack",
                "rules",
                "load ms",
                "Engine() ms",
                "engine ms",
                "plain ms",
                "forward ms",
                "forward/engine",
                "agree",
            ],  # fmt: skip
            [
                [
                    r.label,
                    str(r.rules),
                    fmt_ms(r.load_ms),
                    fmt_ms(r.create_ms),
                    fmt_ms(r.engine_ms),
                    fmt_ms(r.plain_ms),
                    fmt_ms(r.forward_ms),
                    f"{r.forward_ms / r.engine_ms:.1f}x" if r.engine_ms and r.forward_ms else "-",
                    r.agree,
                ]
                for r in rows
            ],
        )
    )
    print("\nOutcome per pack:")
    for r in rows:
        print(f"  {r.label}: {r.outcome}")
    if probe:
        print("\nWhat durable-rules does with prehab's limits switched off (subprocess, 20 s timeout):")
        probes = {
            "patho-thresholds-200": write_pack(pathological_rules(200, "thresholds"), workdir / "probe-200"),
            "patho-thresholds-1000": workdir / "patho-thresholds-1000",
            "patho-literals-1000": workdir / "patho-literals-1000",
            "realistic-1000": workdir / "realistic-1000",
        }
        for label, pack in probes.items():
            print(f"  {label}: {guard_off_probe(pack, 20.0)}")
    return {
        f"pack {r.rules} forward peer / engine": r.forward_ms / r.engine_ms
        for r in rows
        if r.engine_ms and r.forward_ms and r.label.startswith("realistic")
    }


# --------------------------------------------------------------------------------------------
# b. history size


def synthetic_sessions(days: int, today: date, seed: int = 3) -> list[Session]:
    """About 5 runs and 2 strength sessions a week, with durations, RPE and surfaces."""
    rng = random.Random(seed)
    week = ("easy", "strength", "intervals", "easy", "strength+tempo", None, "long")
    out = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        plan = week[day.weekday()]
        if plan is None:
            continue
        for kind in plan.split("+"):
            if kind == "strength":
                out.append(
                    Session(
                        day,
                        "strength",
                        0.0,
                        float(rng.randint(25, 45)),
                        rng.randint(5, 7),
                        cross_plane=rng.random() < 0.5,
                    )  # fmt: skip
                )
                continue
            km = {"easy": 8, "intervals": 10, "tempo": 11, "long": 20}[kind] * rng.uniform(0.8, 1.2)
            out.append(
                Session(
                    day,
                    kind,
                    round(km, 2),
                    round(km * rng.uniform(5.0, 6.2), 1),
                    rng.randint(3, 5) if kind in ("easy", "long") else rng.randint(7, 9),
                    rng.choice(["road", "road", "trail", "treadmill", "track"]),
                )
            )
    return out


def section_history(workdir: Path, quick: bool) -> dict[str, float]:
    print("\n== b. History size: metrics + facts_from_history + evaluate with the DEFAULT pack ==")
    loaded = load_rulebook(default_layers(include_user=False))
    book = loaded.rulebook
    if book is None:
        print("  the default pack does not load: " + "; ".join(str(p) for p in loaded.errors[:3]))
        return {}
    today = date(2026, 11, 26)
    settings = Settings()
    repeat = 7 if quick else 31
    start = time.perf_counter()
    evaluate(book, [{"fact": "athlete", "experience": "intermediate"}])  # builds and caches the Engine
    engine_ms = (time.perf_counter() - start) * 1000
    rows = []
    summary: dict[str, float] = {}
    strata, _ = analysis.stratify(book.active_rules)
    for label, days in (("1 month", 30), ("1 year", 365), ("10 years", 3650)):
        sessions = synthetic_sessions(days, today)
        metrics_ms = median_ms(lambda s=sessions: load_metrics(s, today), repeat)  # type: ignore[misc]
        pure_ms = median_ms(lambda s=sessions: build_facts(s, settings, today, None), repeat)  # type: ignore[misc]
        store = Store.open(workdir / f"history-{days}.sqlite3")
        with store:
            store.add_sessions(sessions)
            store_ms = median_ms(lambda st=store: facts_for_day(None, st, settings, today), repeat)  # type: ignore[misc]
            facts = facts_for_day(None, store, settings, today)
        ev = evaluate(book, facts)
        if ev.errors:
            print(f"  {label}: engine errors: {ev.errors}")
        eval_ms = median_ms(lambda f=facts: evaluate(book, f), repeat)  # type: ignore[misc]
        plain_ms = median_ms(lambda f=facts: plain_evaluate(book, f, strata), repeat)  # type: ignore[misc]
        total = store_ms + eval_ms
        rows.append(
            [
                label,
                str(len(sessions)),
                fmt_ms(metrics_ms),
                fmt_ms(pure_ms),
                fmt_ms(store_ms),
                fmt_ms(eval_ms),
                fmt_ms(plain_ms),
                f"{eval_ms / plain_ms:.2f}",
                fmt_ms(total),
                str(len(ev.fired)),
            ]
        )
        summary[f"history {label} evaluate/plain"] = eval_ms / plain_ms
        if days == 365:
            summary["1y total ms"] = total
    print(
        f"default pack: {len(book.active_rules)} active rules, "
        f"Engine() built once in {fmt_ms(engine_ms)} ms (cached by prehab.advice)"
    )
    print(
        table(
            [
                "history",
                "sessions",
                "metrics ms",
                "facts(pure) ms",
                "facts(store) ms",
                "evaluate ms",
                "plain ms",
                "eval/plain",
                "store+eval ms",
                "fired",
            ],  # fmt: skip
            rows,
        )
    )
    total_1y = summary.get("1y total ms", float("nan"))
    verdict = "MET" if total_1y < HISTORY_GOAL_MS else "MISSED"
    print(
        f"GOAL default pack + 1 year of history evaluates in < {HISTORY_GOAL_MS:.0f} ms: {verdict} "
        f"({fmt_ms(total_1y)} ms = facts_from_history from SQLite + evaluate, warm engine; "
        f"loading the pack is separate, see c.)"
    )
    return summary


# --------------------------------------------------------------------------------------------
# c. CLI start-up


def _prehab_command() -> list[str]:
    script = Path(sys.executable).with_name("prehab")
    return [str(script)] if script.exists() else [sys.executable, "-m", "prehab"]


def _wall_ms(cmd: list[str], env: dict[str, str], runs: int) -> tuple[float, int]:
    times, code = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, env=env, check=False, cwd=ROOT)
        times.append((time.perf_counter() - start) * 1000)
        code = done.returncode
    return statistics.median(times), code


def _imports_textual(args: list[str], env: dict[str, str]) -> bool:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "prehab", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=ROOT,
    )
    return any(line.split("|")[-1].strip().startswith("textual") for line in done.stderr.splitlines())


def section_cli(workdir: Path, quick: bool) -> dict[str, float]:
    print("\n== c. CLI start-up (median of 5 subprocess runs, isolated config/data dirs) ==")
    env = {**os.environ, "PREHAB_CONFIG_DIR": str(workdir / "cfg"), "PREHAB_DATA_DIR": str(workdir / "data")}
    facts_file = ROOT / "examples" / "runner.toml"
    note = ""
    if not facts_file.exists():
        facts_file = workdir / "runner.toml"
        doc: dict[str, Any] = {}
        for fact in synthetic_athletes(1, seed=11)[0]:
            body = {k: v for k, v in fact.items() if k != "fact"}
            kind = str(fact["fact"])
            if kind in ("athlete", "schedule", "load"):
                doc[kind] = body
            else:
                doc.setdefault(kind, []).append(body)
        facts_file.write_text(tomli_w.dumps(doc), encoding="utf-8")
        note = " (examples/runner.toml missing: used a synthetic runner file instead)"
    runs = 3 if quick else 5
    cases = [
        ("python -c pass (baseline)", [sys.executable, "-c", "pass"], None),
        ("prehab --help", [*_prehab_command(), "--help"], ["--help"]),
        (
            "prehab recommend --facts F --json",
            [*_prehab_command(), "recommend", "--facts", str(facts_file), "--json"],
            ["recommend", "--facts", str(facts_file), "--json"],
        ),
    ]
    rows = []
    summary: dict[str, float] = {}
    for label, cmd, args in cases:
        ms, code = _wall_ms(cmd, env, runs)
        textual = "-" if args is None else ("YES" if _imports_textual(args, env) else "no")
        rows.append([label, fmt_ms(ms), str(code), textual])
        summary[label] = ms
    print(table(["command", "wall ms", "exit", "imports textual"], rows))
    if note:
        print(note.strip())
    return summary


# --------------------------------------------------------------------------------------------


def _bound(rule: Rule, binding: tuple[Fact, ...]) -> dict[str, Fact]:
    """The facts of a binding by condition name (what an ``unless`` test's ``from`` reads)."""
    named = {c.name: f for c, f in zip(rule.when, binding, strict=False)}
    if rule.when_any and len(binding) > len(rule.when):
        last = binding[-1]
        cond = next((c for c in rule.when_any if condition_holds(c, last)), rule.when_any[0])
        named[cond.name] = last
    return named


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    parser.add_argument("--no-probe", action="store_true", help="skip the limits-off subprocess probe")
    parser.add_argument("--only", choices=["pack", "history", "cli"], help="run one section")
    args = parser.parse_args(argv)
    import durable  # noqa: F401  (only to report the version below)

    print(f"prehab engine bench  python {sys.version.split()[0]}  {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"limits: MAX_CONDITIONS_PER_FACT={analysis.MAX_CONDITIONS_PER_FACT} "
          f"MAX_TESTS_PER_NODE={limits.MAX_TESTS_PER_NODE} (all limits: bench/limits.py)")  # fmt: skip
    summary: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="prehab-bench-") as tmp:
        work = Path(tmp)
        if args.only in (None, "pack"):
            summary |= section_pack_size(work, args.quick, not args.no_probe)
        if args.only in (None, "history"):
            summary |= section_history(work, args.quick)
        if args.only in (None, "cli"):
            cli = section_cli(work, args.quick)
            base = cli.get("python -c pass (baseline)")
            for key, value in cli.items():
                if base and key != "python -c pass (baseline)":
                    summary[f"{key} / bare python"] = value / base
    print("\n== summary ==")
    for key, value in summary.items():
        unit = " ms" if key.endswith("ms") else "x"
        print(f"  {key}: {value:.2f}{unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

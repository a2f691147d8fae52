"""The only module that imports durable-rules: runs one athlete's facts through a rulebook.

Wrapping follows what was measured on durable-rules 2.0.28 (DURABLE_RULES.md): a host
without background threads (synchronous, survives session churn), a fresh host per
rulebook (ruleset names register once), a catch-all rule (unhandled facts raise and
delete_state can crash), stable fact ids, and actions that never let an exception vanish.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from durable import engine as durable_engine

from prehab.engine.compile import CATCH_ALL, STAGE_KIND, CompiledRule, compile_rulebook
from prehab.model import Conclusion, Fact, Hold, MatchedFact, Reason
from prehab.rulebook.factcheck import fact_identity
from prehab.rulebook.matching import condition_holds
from prehab.rulebook.model import Rulebook, ValueRef

MAX_FIRINGS = 2000
"""Loop guard: an evaluation that fires more than this is stopped and reported."""
_INTERNAL = ("sid", "id", "$s")


class _SyncHost(durable_engine.Host):  # type: ignore[misc]
    """No timer threads: evaluation happens inside assert_fact, and nothing lingers."""

    def _run(self) -> None:
        return None


class EngineError(Exception):
    """The engine refused the compiled pack (a limit or a definition error)."""


@dataclass
class Firing:
    rule_id: str
    matched: tuple[MatchedFact, ...]
    chain: tuple[str, ...]


@dataclass
class RunResult:
    conclusions: list[Conclusion] = field(default_factory=list)
    firings: list[Firing] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class _Run:
    result: RunResult = field(default_factory=RunResult)
    flag_origin: dict[str, tuple[str, ...]] = field(default_factory=dict)
    memory: list[Fact] = field(default_factory=list)
    """Every fact in the session (asserted and derived), for the ``unless`` check."""
    stopped: bool = False


class Engine:
    """A rulebook compiled into its own durable host; evaluate() is safe to call repeatedly."""

    _names = itertools.count()

    def __init__(self, book: Rulebook) -> None:
        self.book = book
        self.compiled, self.stages = compile_rulebook(book)
        self.gates = [
            1 + max((c.gate for c in self.compiled if c.stage == stage), default=0)
            for stage in range(self.stages)
        ]
        """Gate facts to assert per stage (a stage's rules open in gates; see compile.GATE_SIZE)."""
        self._lock = threading.Lock()
        self._sessions = itertools.count()
        self._run: _Run | None = None
        self.name = f"prehab_{book.fingerprint}_{next(self._names)}"
        definitions: dict[str, Any] = {}
        for index, compiled in enumerate(self.compiled):
            definition = dict(compiled.definition)
            definition["run"] = self._action(compiled)
            definitions[f"r{index}"] = definition
        definitions["catch_all"] = {
            "all": [{"x": {"$ex": {"fact": 1}}}],
            "pri": 65000,
            "run": _ignore,
        }
        self._host = _SyncHost()
        try:
            self._host.set_rulesets({self.name: definitions})
        except Exception as exc:  # durable raises its own error type with only a code
            raise EngineError(f"the engine refused the rule pack: {exc}") from exc

    def run(self, facts: list[Fact]) -> RunResult:
        with self._lock:
            run = _Run()
            self._run = run
            sid = f"s{next(self._sessions)}"
            try:
                # An action must run before anything can fail: delete_state on a session where no
                # action ran segfaults (DURABLE_RULES.md), e.g. when the first fact hits error 303.
                self._assert(sid, {"fact": STAGE_KIND, "n": -1, "id": "anchor"})
                seen: Counter[str] = Counter()
                for fact in facts:
                    ident = fact_identity(fact, self.book.schema)
                    seen[ident] += 1
                    if seen[ident] > 1:
                        ident = f"{ident}#{seen[ident]}"
                    self._assert(sid, {**fact, "id": ident})
                    run.memory.append(fact)
                for stage in range(self.stages):
                    for gate in range(self.gates[stage]):
                        self._assert(
                            sid, {"fact": STAGE_KIND, "n": stage, "p": gate, "id": f"stage:{stage}:{gate}"}
                        )
            finally:
                self._run = None
                try:
                    self._host.delete_state(self.name, sid)
                except Exception as exc:
                    run.result.errors.append(f"engine cleanup failed: {exc}")
            return run.result

    def _assert(self, sid: str, fact: dict[str, Any]) -> None:
        try:
            self._host.assert_fact(self.name, {**fact, "sid": sid})
        except Exception as exc:
            text = str(exc)
            if "303" in text:
                raise EngineError(
                    "a fact matched more conditions than the engine allows (durable-rules error "
                    "303, about 64 per fact): split rules by region or merge them"
                ) from exc
            if "observed" not in text.lower():
                raise EngineError(f"the engine rejected a fact {fact!r}: {exc}") from exc

    def _action(self, compiled: CompiledRule) -> Any:
        def fire(c: Any) -> None:
            run = self._run
            if run is None or run.stopped:
                return
            try:
                self._fire(compiled, c, run)
            except Exception as exc:  # durable would swallow it: keep it visible
                run.result.errors.append(f"rule {compiled.rule.id}: {type(exc).__name__}: {exc}")

        return fire

    def _shown_fields(self, cond: Any) -> set[str]:
        """A matched fact is reported by its kind, key fields and the fields the rule tested."""
        kind = self.book.schema.kind(cond.fact)
        keys = set(kind.key_fields) if kind else set()
        return {"fact", *keys, *(t.field for t in cond.tests)}

    def _fire(self, compiled: CompiledRule, c: Any, run: _Run) -> None:
        rule = compiled.rule
        result = run.result
        if any(condition_holds(cond, fact) for cond in rule.unless for fact in run.memory):
            return
        if len(result.firings) >= MAX_FIRINGS:
            run.stopped = True
            busiest = Counter(f.rule_id for f in result.firings).most_common(5)
            result.errors.append(
                f"stopped after {MAX_FIRINGS} rule firings (a chain that does not end); "
                "rules firing most: " + ", ".join(f"{r} x{n}" for r, n in busiest)
            )
            return
        matched: list[MatchedFact] = []
        by_name: dict[str, dict[str, Any]] = {}
        chain: list[str] = []
        for alias, cond in compiled.aliases.items():
            fact = getattr(c, alias, None)
            if not fact:
                continue
            values = {k: v for k, v in fact.items() if k not in _INTERNAL}
            shown = self._shown_fields(cond)
            matched.append(MatchedFact(cond.name, {k: v for k, v in values.items() if k in shown}))
            by_name[cond.name] = values
            if values.get("fact") == "flag":
                for rid in run.flag_origin.get(str(fact["id"]), ()):
                    if rid not in chain:
                        chain.append(rid)
        reason = Reason(
            rule.id, rule.title, rule.why, rule.source, tuple(matched), tuple(chain), rule.priority
        )
        result.firings.append(Firing(rule.id, tuple(matched), tuple(chain)))
        then = rule.then
        out = result.conclusions
        for spec in then.prescribe:
            out.append(Conclusion("prescribe", reason, exercise=spec.exercise, dose=dict(spec.dose)))
        for key in ("refer", "caution", "note", "instead"):
            text = getattr(then, key)
            if text:
                urgency = then.urgency if key == "refer" else ""
                out.append(Conclusion(key, reason, text=text, urgency=urgency))
        for hold_spec in then.holds:
            regions = tuple(r for r in (_resolve(v, by_name) for v in hold_spec.regions) if r)
            if hold_spec.regions and not regions:
                continue  # a copied region the matched fact did not have: nothing to hold
            hold = Hold(
                regions,
                hold_spec.kinds,
                hold_spec.loads,
                hold_spec.tags,
                hold_spec.exercises,
                hold_spec.mode,
                hold_spec.works,
            )
            out.append(Conclusion("hold", reason, text=hold.describe(), hold=hold))
        for flag in then.flags:
            region = _resolve(flag.region, by_name) if flag.region is not None else ""
            out.append(Conclusion("flag", reason, flag=flag.name, region=region))
            label = f"{flag.name}:{region}" if region else flag.name
            if label not in result.flags:
                result.flags.append(label)
            flag_fact: dict[str, Any] = {"fact": "flag", "name": flag.name, "id": f"flag:{label}"}
            if region:
                flag_fact["region"] = region
            flag_id = flag_fact["id"]
            if flag_id not in run.flag_origin:
                run.flag_origin[flag_id] = (*chain, rule.id)
                run.memory.append({k: v for k, v in flag_fact.items() if k != "id"})
                try:
                    c.assert_fact(flag_fact)
                except Exception as exc:
                    if "observed" not in str(exc).lower():
                        raise


def _resolve(value: str | ValueRef | None, by_name: dict[str, dict[str, Any]]) -> str:
    if isinstance(value, ValueRef):
        return str(by_name.get(value.condition, {}).get(value.field, ""))
    return value or ""


def _ignore(c: Any) -> None:
    return None


__all__ = ["CATCH_ALL", "Engine", "EngineError", "Firing", "RunResult"]

"""The only module that touches durable-rules: runs one athlete's facts through a rulebook.

Wrapping follows what was measured on durable-rules 2.0.28 (docs/engine.md), driving the C
extension (``durable_rules_engine``) directly rather than through durable's Python ``Host``:

- no Host, so no timer threads (the default Host's threads segfault under session churn), and
  no per-action ``Closure``, state re-serialisation and lease bookkeeping: an action is one
  ``json.loads`` of the facts it matched and a call (durable's layer cost three JSON round
  trips per action);
- an anchor fact fires the anchor rule first in every session (``delete_state`` on a session
  where no action ran segfaults), and a catch-all keeps every fact stored but never fires
  (see ``compile.internal_definitions``); facts of kinds no rule mentions are not asserted;
- every fact gets a stable id (durable's duplicate check is a 32-bit content hash);
- the facts go in one ``assert_facts`` call (the first stage's rules wait for no stage fact:
  they fire once every fact is in), then each later stage's gate facts in one call;
- an exception in an action is collected, never swallowed;
- each ruleset is deleted when its Engine is closed (``close``, or by the engine cache when it
  is evicted): durable has no other way to free one (~1.8 MiB for the shipped pack), and
  deleting it is safe once every session is gone, which ``run`` guarantees.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import Counter, defaultdict
from typing import Any

import durable_rules_engine as _durable

from prehab.engine.compile import (
    ANCHOR,
    CATCH_ALL,
    STAGE_KIND,
    BoundRule,
    bind,
    mentioned_kinds,
    plan_rules,
)
from prehab.model import Conclusion, Fact, Hold, MatchedFact, Reason
from prehab.record import Record, field
from prehab.rulebook.matching import blocked, condition_holds
from prehab.rulebook.model import Condition, Rulebook, ValueRef

MAX_FIRINGS = 2000
"""Loop guard: an evaluation that fires more than this is stopped and reported."""
_INTERNAL = ("sid", "id", "$s")
_NOT_HANDLED, _OBSERVED = 1, 2
"""durable's result codes for a fact no rule matched / a fact already in the session."""


class EngineError(Exception):
    """The engine refused the compiled pack (a limit or a definition error)."""


class Firing(Record):
    """One rule firing: the rule and the facts it matched, by alias."""

    rule_id: str
    matched: tuple[MatchedFact, ...]
    chain: tuple[str, ...]


class RunResult(Record):
    """What one evaluation concluded, the firings behind it and any errors (never swallowed)."""

    conclusions: list[Conclusion] = field(default_factory=list)
    firings: list[Firing] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def fired(self) -> list[str]:
        """Each rule that fired, once, in the order it first fired."""
        return list(dict.fromkeys(f.rule_id for f in self.firings))


class _Run(Record):
    """One session's bookkeeping: the facts by kind (for ``unless``), flags asserted, firings done."""

    sid: str
    result: RunResult = field(default_factory=RunResult)
    flag_origin: dict[str, tuple[str, ...]] = field(default_factory=dict)
    memory: dict[str, list[Fact]] = field(default_factory=lambda: defaultdict(list))
    """Every fact in the session (asserted and derived) by kind, for the ``unless`` check."""
    bindings: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)
    """(rule id, ids of the facts it matched): a rule fires once per distinct binding."""
    stopped: bool = False


class Engine:
    """A rulebook compiled into its own durable ruleset; run() is safe to call repeatedly."""

    _names = itertools.count()

    def __init__(self, book: Rulebook) -> None:
        self.book = book
        active = book.active_rules
        plan = book.plan
        bound = bind(plan, active) if plan is not None else None
        if plan is None or bound is None:  # a rulebook the loader did not plan (tests, a bad fit)
            plan = plan_rules(active)
            bound = bind(plan, active)
            assert bound is not None, "a plan made from these rules fits them"
        self.compiled: list[BoundRule] = bound
        self.stages = plan.stages
        self.gates = [
            1 + max((c.gate for c in self.compiled if c.stage == stage), default=0) if stage else 0
            for stage in range(self.stages)
        ]
        """Gate facts to assert per stage (a stage's rules open in gates; see compile.GATE_SIZE).
        Stage 0 has none: its rules match as the facts arrive, all in one call, and fire after."""
        self.kinds = mentioned_kinds(self.compiled) | {STAGE_KIND}
        """Fact kinds worth asserting: a fact of another kind could only feed the catch-all."""
        self._lock = threading.Lock()
        self._sessions = itertools.count()
        self.name = f"prehab_{book.fingerprint}_{next(self._names)}"
        self._by_name: dict[str, BoundRule] = {f"r{i}": c for i, c in enumerate(self.compiled)}
        self._keys = {name: kind.key_fields for name, kind in book.schema.kinds.items()}
        self._reads: dict[str, list[tuple[str, tuple[tuple[Condition, frozenset[str]], ...]]]] = {
            name: [
                (alias, tuple((cond, self._shown_fields(cond)) for cond in conds))
                for alias, conds in c.aliases.items()
            ]
            for name, c in self._by_name.items()
        }
        """Per durable rule: each alias, and each condition it matches (a ``when_any``'s
        alternatives share one) with the fields a matched fact is shown with."""
        self._definitions = plan.definitions
        self._handle: int | None = None
        self._open()

    # -- the ruleset's life ----------------------------------------------------------------

    def _open(self) -> None:
        try:
            self._handle = _durable.create_ruleset(self.name, self._definitions)
        except Exception as exc:  # durable raises its own error type with only a code
            raise EngineError(f"the engine refused the rule pack: {exc}") from exc

    def close(self) -> None:
        """Free durable's memory for this ruleset. A later run() builds it again."""
        with self._lock:
            handle, self._handle = self._handle, None
            if handle is not None:
                _durable.delete_ruleset(handle)

    @property
    def closed(self) -> bool:
        return self._handle is None

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle is not None and _durable is not None:
            try:  # noqa: SIM105 (at interpreter shutdown even contextlib may be gone)
                _durable.delete_ruleset(handle)
            except Exception:
                pass

    # -- evaluation ------------------------------------------------------------------------

    def run(self, facts: list[Fact]) -> RunResult:
        with self._lock:
            if self._handle is None:
                self._open()
            handle = self._handle
            assert handle is not None
            run = _Run(f"s{next(self._sessions)}")
            try:
                # An action must run before anything can fail: delete_state on a session where no
                # action ran segfaults (docs/engine.md), e.g. when the first fact hits error 303.
                self._assert(handle, run, [ANCHOR])
                batch: list[dict[str, Any]] = []
                seen: Counter[str] = Counter()
                for fact in facts:
                    kind = str(fact.get("fact"))
                    run.memory[kind].append(fact)
                    if kind not in self.kinds:
                        continue
                    ident = ":".join(
                        [kind, *(f"{k}={fact[k]}" for k in self._keys.get(kind, ()) if k in fact)]
                    )
                    seen[ident] += 1
                    if seen[ident] > 1:
                        ident = f"{ident}#{seen[ident]}"
                    batch.append({**fact, "id": ident})
                for stage in range(self.stages):
                    batch += [
                        {"fact": STAGE_KIND, "n": stage, "p": gate, "id": f"stage:{stage}:{gate}"}
                        for gate in range(self.gates[stage])
                    ]
                    if batch:
                        self._assert(handle, run, batch)
                    batch = []
            finally:
                try:
                    _durable.delete_state(handle, run.sid)
                except Exception as exc:
                    run.result.errors.append(f"engine cleanup failed: {exc}")
            return run.result

    def _assert(self, handle: int, run: _Run, facts: list[dict[str, Any]]) -> None:
        """Assert ``facts`` in one call, then fire every rule they (and what follows) activate."""
        text = json.dumps([{**f, "sid": run.sid} for f in facts], ensure_ascii=False)
        try:
            _, state = _durable.assert_facts(handle, text)
        except Exception as exc:
            raise _refused(exc, facts) from exc
        self._dispatch(handle, state, run)

    def _dispatch(self, handle: int, state: int, run: _Run) -> None:
        started = _durable.start_action_for_state(handle, state)
        if started is None:
            return
        message: str | None = started[1]
        while message:
            for name, frame in json.loads(message).items():
                compiled = self._by_name.get(name)
                if compiled is not None and not run.stopped:
                    try:
                        self._fire(compiled, self._reads[name], frame, run, handle)
                    except Exception as exc:  # durable would swallow it: keep it visible
                        run.result.errors.append(f"rule {compiled.rule.id}: {type(exc).__name__}: {exc}")
            message = _durable.complete_and_start_action(handle, state)

    def _shown_fields(self, cond: Condition) -> frozenset[str]:
        """A matched fact is reported by its kind, key fields and the fields the rule tested."""
        kind = self.book.schema.kind(cond.fact)
        keys = set(kind.key_fields) if kind else set()
        return frozenset({"fact", *keys, *(t.field for t in cond.tests)})

    def _fire(
        self,
        compiled: BoundRule,
        reads: list[tuple[str, tuple[tuple[Condition, frozenset[str]], ...]]],
        frame: dict[str, Any],
        run: _Run,
        handle: int,
    ) -> None:
        rule = compiled.rule
        result = run.result
        found = [(options, frame.get(alias)) for alias, options in reads]
        matched_facts = [(*_alternative(options, fact), fact) for options, fact in found]
        binding = (rule.id, tuple(str(f.get("id")) for _, _, f in matched_facts if f))
        if binding in run.bindings:
            return  # one fact matched by two when_any alternatives: one firing
        run.bindings.add(binding)
        if rule.unless and blocked(rule, run.memory, {c.name: f for c, _, f in matched_facts if f}):
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
        for cond, shown, fact in matched_facts:
            if not fact:
                continue
            values = {k: v for k, v in fact.items() if k not in _INTERNAL}
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
            # A rule that fires once per matching fact (three shin answers) says its text once.
            if text and not _said(out, rule.id, key, text):
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
        for move in then.progress:
            ladder = _resolve(move.ladder, by_name)
            if ladder:
                out.append(Conclusion("progress", reason, exercise=ladder, direction=move.direction))
        for load in then.load:
            exercise = _resolve(load.exercise, by_name)
            if exercise:
                out.append(Conclusion("load", reason, exercise=exercise, direction=load.step))
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
                run.memory["flag"].append({k: v for k, v in flag_fact.items() if k != "id"})
                if "flag" in self.kinds:
                    text = json.dumps({**flag_fact, "sid": run.sid}, ensure_ascii=False)
                    try:
                        _durable.assert_fact(handle, text)  # its rules join the agenda now
                    except Exception as exc:
                        raise _refused(exc, [flag_fact]) from exc


def _alternative(
    options: tuple[tuple[Condition, frozenset[str]], ...], fact: dict[str, Any] | None
) -> tuple[Condition, frozenset[str]]:
    """The condition (and shown fields) a matched fact is read as: the first of an alias's
    alternatives it satisfies (``when_any``'s order); a ``when`` condition has one."""
    if len(options) > 1 and fact:
        for option in options:
            if condition_holds(option[0], fact):
                return option
    return options[0]


def _said(out: list[Conclusion], rule_id: str, key: str, text: str) -> bool:
    return any(c.type == key and c.text == text and c.reason.rule_id == rule_id for c in out)


def _refused(exc: Exception, facts: list[dict[str, Any]]) -> EngineError:
    text = str(exc)
    if "303" in text:
        return EngineError(
            "a fact matched more conditions than the engine allows (durable-rules error "
            "303, about 64 per fact): split rules by region or merge them"
        )
    shown = facts[0] if len(facts) == 1 else f"{len(facts)} facts"
    return EngineError(f"the engine rejected {shown!r}: {exc}")


def _resolve(value: str | ValueRef | None, by_name: dict[str, dict[str, Any]]) -> str:
    if isinstance(value, ValueRef):
        return str(by_name.get(value.condition, {}).get(value.field, ""))
    return value or ""


__all__ = ["CATCH_ALL", "Engine", "EngineError", "Firing", "RunResult"]

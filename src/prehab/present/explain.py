"""Rules in plain words, "why not" per condition, and how overrides change outcomes."""

from __future__ import annotations

from prehab.advice import evaluate
from prehab.model import Fact, Hold
from prehab.present.examples import check_example
from prehab.present.render import dose_text
from prehab.rulebook import analysis
from prehab.rulebook.matching import describe_condition, explain_conditions
from prehab.rulebook.model import HoldSpec, Rule, Rulebook, ValueRef


def _ref(value: str | ValueRef | None, article: str = "the ") -> str:
    if isinstance(value, ValueRef):
        return f"{article}region of {value.condition}"
    return value or ""


def explain_rule(book: Rulebook, rule: Rule) -> str:
    state = "" if rule.enabled else "  [DISABLED]"
    lines = [
        f"{rule.id}: {rule.title}{state}",
        f"  priority {rule.priority} (higher fires first); defined in {rule.file}:{rule.line}",
    ]
    if rule.id in book.replaced:
        lines.append(f"  replaced by your rule in {book.replaced[rule.id]}")
    for part, title in (("when", "WHEN all of"), ("when_any", "AND any of"), ("unless", "UNLESS any of")):
        conds = getattr(rule, part)
        if conds:
            lines.append(f"{title}:")
            lines += [f"  - {describe_condition(c)}" for c in conds]
    lines.append("THEN:")
    t = rule.then
    for p in t.prescribe:
        ex = book.exercises[p.exercise]
        lines.append(f"  - prescribe {ex.name} ({ex.id}): {dose_text({**ex.dose, **p.dose})}")
    for f in t.flags:
        lines.append(f"  - flag '{f.name}'" + (f" for {_ref(f.region)}" if f.region else ""))
    for h in t.holds:
        lines.append("  - hold: " + describe_hold(h))
    for key in ("refer", "caution", "note", "instead"):
        if getattr(t, key):
            extra = f" [{t.urgency}]" if key == "refer" else ""
            lines.append(f"  - {key}{extra}: {getattr(t, key)}")
    lines.append(f"WHY: {rule.why}")
    lines.append(f"SOURCE: {rule.source}")
    users = _flag_users(book, rule)
    if users:
        lines.append("CHAINS INTO: " + ", ".join(users))
    feeders = [r.id for r in book.active_rules if any(f.name in _waits_for(rule) for f in r.then.flags)]
    if feeders:
        lines.append("WAITS FOR FLAGS FROM: " + ", ".join(sorted(feeders)))
    lines.append(f"EXAMPLES: {len(rule.examples)}")
    return "\n".join(lines)


def describe_hold(h: HoldSpec) -> str:
    regions = tuple(_ref(r, article="") for r in h.regions)  # Hold.describe says "the" itself
    return Hold(regions, h.kinds, h.loads, h.tags, h.exercises, h.mode, h.works).describe()


def _waits_for(rule: Rule) -> set[str]:
    names: set[str] = set()
    for cond in rule.when + rule.when_any + rule.unless:
        if cond.fact == "flag":
            names |= analysis.flag_names(cond) or set()
    return names


def _flag_users(book: Rulebook, rule: Rule) -> list[str]:
    made = {f.name for f in rule.then.flags}
    return sorted(r.id for r in book.active_rules if _waits_for(r) & made)


def why_not(book: Rulebook, rule: Rule, facts: list[Fact]) -> str:
    """Each condition's result on these facts (plus the flags the other rules derive)."""
    ev = evaluate(book, facts)
    derived: list[Fact] = []
    for label in ev.flags:
        name, _, region = label.partition(":")
        derived.append({"fact": "flag", "name": name, **({"region": region} if region else {})})
    results = explain_conditions(rule, facts + derived)
    fired = rule.id in ev.fired
    lines = [f"ON THESE FACTS: {rule.id} {'FIRED' if fired else 'did NOT fire'}"]
    if not rule.enabled:
        lines.append("  it is disabled (enabled = false)")
    for r in results:
        mark = "ok  " if r.holds else "FAIL"
        lines.append(f"  {mark} {r.part}: {describe_condition(r.condition)}")
        lines.append(f"       {r.detail}")
    if not fired and all(r.holds for r in results) and rule.enabled:
        lines.append("  every condition holds; check 'prehab recommend' errors for an engine problem")
    return "\n".join(lines)


def diff_examples(base: Rulebook, mine: Rulebook) -> list[str]:
    """Default examples whose pass/fail changes, or whose outcome changes, under overrides."""
    out = []
    for rule in base.rules.values():
        for index, example in enumerate(rule.examples):
            before = evaluate(base, list(example.given))
            after = evaluate(mine, list(example.given))
            was = {p.exercise for p in before.prescriptions}
            now = {p.exercise for p in after.prescriptions}
            changes = []
            if now - was:
                changes.append("adds " + ", ".join(sorted(now - was)))
            if was - now:
                changes.append("drops " + ", ".join(sorted(was - now)))
            if set(before.fired) != set(after.fired):
                gone = set(before.fired) - set(after.fired)
                new = set(after.fired) - set(before.fired)
                if gone:
                    changes.append("no longer fires " + ", ".join(sorted(gone)))
                if new:
                    changes.append("now fires " + ", ".join(sorted(new)))
            failing = check_example(after, example.expect)
            if failing and not check_example(before, example.expect):
                changes.append("its expectation now FAILS: " + failing[0])
            if changes:
                label = f"{rule.id} example {index + 1}" + (f" ({example.name})" if example.name else "")
                out.append(f"{label}: " + "; ".join(changes))
    return out

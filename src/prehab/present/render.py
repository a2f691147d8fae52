"""Plain-text and JSON views of the day (for the CLI and Home Assistant; the TUI has widgets).

Both render a :class:`prehab.day.view.DayView`, the day's committed plan, so what
``prehab recommend`` prints, what ``--json`` gives and what the app shows are the same day.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from prehab.day.view import Decorations, hold_json, reason_json
from prehab.model import URGENCY_LABEL, MatchedFact, Reason

if TYPE_CHECKING:
    from prehab.day.view import DayView, Item, Message, NotToday

DISCLAIMER = (
    "prehab gives general training ideas, not medical advice. Pain that is sharp, "
    "swollen, worse each morning or changes how you run needs a professional."
)


def dose_text(dose: dict[str, Any]) -> str:
    parts = []
    sets = dose.get("sets")
    if "reps" in dose:
        parts.append(f"{sets} x {dose['reps']}" if sets else f"{dose['reps']} reps")
    elif "hold_s" in dose:
        parts.append(f"{sets} x {dose['hold_s']} s" if sets else f"{dose['hold_s']} s")
    elif "minutes" in dose:
        parts.append(f"{dose['minutes']} min")
    elif sets:
        parts.append(f"{sets} sets")
    if dose.get("per_side"):
        parts.append("per side")
    if dose.get("load_shown"):
        parts.append(f"@ {dose['load_shown']}")
    elif dose.get("load") and dose["load"] != "bodyweight":
        parts.append(str(dose["load"]))
    if dose.get("per_week"):
        parts.append(f"{dose['per_week']}x/week")
    return " ".join(parts) or "as catalogued"


def matched_text(matched: tuple[MatchedFact, ...]) -> str:
    out = []
    for m in matched:
        values = ", ".join(f"{k}={v}" for k, v in m.values.items() if k != "fact")
        out.append(f"{m.values.get('fact', m.name)}({values})")
    return "; ".join(out)


def reason_lines(reason: Reason, indent: str = "      ") -> list[str]:
    chain = " <- ".join([reason.rule_id, *reversed(reason.chain)])
    lines = [f"{indent}why: {reason.why}", f"{indent}rule: {chain}"]
    if reason.matched:
        lines.append(f"{indent}facts: {matched_text(reason.matched)}")
    lines.append(f"{indent}source: {reason.source}")
    return lines


def restriction_lines(r: NotToday, verbose: bool) -> list[str]:
    lines = [f"  x {r.text}  [{', '.join(r.rule_ids)}]"]
    if r.removed:
        lines.append("      left out: " + ", ".join(f"{p.name} ({p.exercise})" for p in r.removed))
    for easier, others in r.easier_items():
        named = f"{easier.name} ({easier.exercise}) at {dose_text(easier.dose)}"
        instead = "; ".join(o.name for o in others)  # names may hold commas
        said = f"easier version: {named} instead of {instead}" if others else f"lighter: {named}"
        lines.append(f"      {said}")
    if verbose:
        lines.append("      enforced: " + "; ".join(h.describe() for h in r.holds))
    return lines


WHAT_IF = "prehab: today's plan (a what-if: not your committed plan, not kept)"
NOT_KEPT = "prehab: today's plan (not kept: the history cannot be written now)"


def render_text(
    view: DayView, extras: Decorations | None = None, *, verbose: bool = True, title: str | None = None
) -> str:
    """The day as ``prehab recommend`` prints it: what to ask about and who to see first, what
    the plan leaves out, then the numbered items (the numbers ``prehab done`` takes)."""
    extras = extras or _no_extras()
    title = title or ("prehab: today's plan" if view.committed else NOT_KEPT)
    lines = [f"{title}, {view.day.strftime('%a %d %b %Y')}", ""]
    if extras.follow_ups:
        lines.append("STILL THERE? (the plan keeps holding these until you answer)")
        for f in extras.follow_ups:
            lines.append(f"  ? {f.question}")
            lines.append(
                f"      answer: prehab checkin --screen follow-up --set {f.question_id}={ANSWER_WORDS}"
            )
        lines.append("")
    if view.referrals:
        lines.append("SEE A PROFESSIONAL (most urgent first)")
        for m in view.referrals:
            label = URGENCY_LABEL.get(m.urgency, "")
            lines.append(f"  ! [{label}] {m.text}" if label else f"  ! {m.text}")
            lines.extend(reason_lines(m.reason) if verbose else [])
        lines.append("")
    if view.not_today:
        lines.append("NOT TODAY")
        for r in view.not_today:
            lines.extend(restriction_lines(r, verbose))
        for text in view.instead:
            lines.append(f"  > {text}")
        lines.append("")
    for title, items in (("CAUTIONS", view.cautions), ("CONTEXT", view.notes)):
        if items:
            lines.append(title)
            for m in items:
                lines.append(f"  - {m.text}  [{m.reason.rule_id}]")
            lines.append("")
    for kind, group in view.grouped():
        minutes = sum(i.minutes for i in group)
        lines.append(f"{kind.upper()} ({len(group)}, about {minutes:g} min)")
        for item in group:
            lines.extend(_item_lines(item, item.exercise in extras.done, verbose))
        lines.append("")
    if not view.items and not view.referrals and not view.not_today:
        lines += ["Nothing to add today: no rule asked for extra work. Run easy and enjoy it.", ""]
    if view.extra:
        lines.append("IF YOU HAVE MORE TIME")
        for item in view.extra:
            mark = "[x] " if item.exercise in extras.done else ""
            lines.append(
                f"  {item.number:>2}. {mark}{item.name} ({item.exercise}): "
                f"{dose_text(item.dose)}, {item.minutes:g} min"
            )
        lines.append("")
    if extras.extra_done:
        lines.append("ALSO DONE (not in the plan): " + ", ".join(extras.extra_done))
        lines.append("")
    if view.swapped:
        lines.append("SWAPPED FOR YOUR EQUIPMENT")
        lines += [f"  {orig} -> {new}" for orig, new in view.swapped]
        lines.append("")
    if view.missing_equipment:
        lines.append("NEEDS EQUIPMENT YOU DO NOT HAVE")
        lines += [f"  {exercise}: needs {', '.join(kit)}" for exercise, kit in view.missing_equipment]
        lines.append("")
    changed = [r for r in extras.replans[1:] if r.changes]
    if changed:
        lines.append("RE-PLANNED TODAY")
        for replan in changed:
            lines.append(f"  {replan.at.astimezone().strftime('%H:%M')} {replan.trigger}")
            for c in replan.changes:
                lines.append(f"      {'+' if c.get('added') else '-'} {c.get('name')}: {c.get('why')}")
        lines.append("")
    if extras.response_due is not None:
        lines.append("How did the last session go? prehab checkin --screen response (or `prehab respond`)")
        lines.append("")
    if extras.onboarding:
        lines.append(
            "WHO ARE YOU? Tell prehab once (age, pregnancy, bone health, experience): prehab profile"
        )
        lines.append("")
    for err in view.errors:
        lines.append(f"engine: {err}")
    lines.append(DISCLAIMER)
    return "\n".join(lines)


def _item_lines(item: Item, done: bool, verbose: bool) -> list[str]:
    easier = (
        ""
        if not item.regressed_from
        else " (a lighter dose)"
        if item.lighter_only
        else f" (easier version of {item.regressed_from})"
    )
    mark = "[x] " if done else "[ ] "
    kept = " (done earlier today)" if item.kept else ""
    lines = [
        f"  {item.number:>2}. {mark}{item.name} ({item.exercise}): "
        f"{dose_text(item.dose)}, {item.minutes:g} min{easier}{kept}"
    ]
    if item.reasons:
        first, *others = item.reasons
        if verbose:
            lines.extend(reason_lines(first))
        else:
            lines.append(f"      why: {first.why}")
        if others:
            lines.append("      also: " + "; ".join(f"{r.rule_id} ({r.title})" for r in others))
    if item.progress_note:
        lines.append(f"      step: {item.progress_note}")
    return lines


def item_json(item: Item, day: date, done: bool = False) -> dict[str, Any]:
    return {
        "id": item.item_id(day),
        "number": item.number,
        "exercise": item.exercise,
        "name": item.name,
        "kind": item.kind,
        "dose": item.dose,
        "dose_text": dose_text(item.dose),
        "load_kg": item.dose.get("load_kg"),
        "load": item.dose.get("load_shown"),
        "minutes": item.minutes,
        "done": done,
        "kept": item.kept,
        "regressed_from": item.regressed_from or None,
        "progress": item.progress_note or None,
        "complaints": item.complaints,
        "reasons": [reason_json(r) for r in item.reasons],
    }


def restriction_json(r: NotToday) -> dict[str, Any]:
    return {
        "rule": r.reason.rule_id,
        "rules": list(r.rule_ids),
        "text": r.text,
        "holds": [{**hold_json(h), "description": h.describe()} for h in r.holds],
        "left_out": [p.exercise for p in r.removed],
        "easier": [{"from": original.exercise, "to": p.exercise} for original, p in r.easier],
    }


def view_json(view: DayView, extras: Decorations | None = None) -> dict[str, Any]:
    """The day as ``prehab recommend --json`` prints it (and Home Assistant is cut from)."""
    extras = extras or _no_extras()

    def texts(items: list[Message]) -> list[dict[str, Any]]:
        return [{"text": m.text, **reason_json(m.reason)} for m in items]

    return {
        "day": view.day.isoformat(),
        "committed": view.committed,
        "disclaimer": DISCLAIMER,
        "follow_ups": [
            {
                "episode": f.episode.id,
                "question_id": f.question_id,
                "question": f.question,
                "days": f.days,
                "answers": ["same", "worse", "better", "resolved"],
            }
            for f in extras.follow_ups
        ],
        "referrals": [
            {"urgency": m.urgency, **t} for m, t in zip(view.referrals, texts(view.referrals), strict=True)
        ],
        "not_today": [restriction_json(r) for r in view.not_today],
        "instead": list(view.instead),
        "cautions": texts(view.cautions),
        "notes": texts(view.notes),
        "today": [item_json(i, view.day, i.exercise in extras.done) for i in view.items],
        "if_time": [item_json(i, view.day, i.exercise in extras.done) for i in view.extra],
        "minutes": view.minutes,
        "budget_min": view.budget_min,
        "done": sorted(extras.done),
        "extra_done": list(extras.extra_done),
        "swapped": [{"from": orig, "to": new} for orig, new in view.swapped],
        "missing_equipment": [{"exercise": e, "needs": list(kit)} for e, kit in view.missing_equipment],
        "held_back": [{"exercise": e, "by": reason_json(r)} for e, r in view.held_back],
        "easier": [{"from": a, "to": b, "by": reason_json(r)} for a, b, r in view.easier],
        "response_due": None
        if extras.response_due is None
        else {
            "day": extras.response_due.day.isoformat(),
            "regions": list(extras.response_due.regions),
        },
        "replans": [
            {"at": r.at.isoformat(), "trigger": r.trigger, "changes": r.changes} for r in extras.replans
        ],
        "flags": list(view.flags),
        "fired": list(view.fired),
        "errors": list(view.errors),
    }


ANSWER_WORDS = "same|worse|better|resolved"


def _no_extras() -> Decorations:
    return Decorations()


_HANG = re.compile(r"^(\s*)(?:([-!x>*?]|\[[ x]\]|\d{1,4}\.(?: \[[ x]\])?) |([a-z][a-z ]{0,24}): )?")
"""A line's indent, then a bullet (``- ``, ``! ``, ``x ``, ``12. [ ]``...) or a label (``why: ``),
which the wrapped lines hang under."""


def wrap_text(text: str, width: int | None = None) -> str:
    """``text`` with every line longer than ``width`` (the terminal's) wrapped at spaces.

    Wrapped lines keep the line's indent and hang under its bullet or label, so a long
    ``why:`` stays readable as one block; words are never split (a rule id or a path longer
    than the line stays whole).
    """
    import textwrap  # here: the JSON output never wraps

    from prehab.terminal import text_width

    width = width or text_width()
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        match = _HANG.match(line)
        hang = " " * (match.end() if match and match.end() < width // 2 else len(line) - len(line.lstrip()))
        out += textwrap.wrap(
            line,
            width=width,
            subsequent_indent=hang,
            break_long_words=False,
            break_on_hyphens=False,
            drop_whitespace=True,
        ) or [line]
    return "\n".join(out)

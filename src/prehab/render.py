"""Plain-text and JSON views of an evaluation and a plan (for the CLI; the TUI has widgets)."""

from __future__ import annotations

import re
import shutil
import textwrap
from typing import Any

from prehab.model import URGENCY_LABEL, Conclusion, Evaluation, MatchedFact, Prescription, Reason
from prehab.plan.day import DayPlan
from prehab.plan.restrictions import Restriction, instead_texts, plain_cautions, restrictions

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
    if dose.get("load") and dose["load"] != "bodyweight":
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


def unique_texts(items: list[Conclusion]) -> list[Conclusion]:
    """Conclusions with distinct texts, first kept: several rules may give the same caution."""
    seen: set[str] = set()
    out = []
    for c in items:
        if c.text not in seen:
            seen.add(c.text)
            out.append(c)
    return out


def restriction_lines(r: Restriction, verbose: bool) -> list[str]:
    lines = [f"  x {r.text}  [{', '.join(r.rule_ids)}]"]
    if r.removed:
        lines.append("      left out: " + ", ".join(f"{p.name} ({p.exercise})" for p in r.removed))
    for original, easier in r.easier:
        if original == easier.exercise:
            lines.append(f"      lighter: {easier.name} at {dose_text(easier.dose)}")
        else:
            lines.append(f"      easier version: {easier.name} ({easier.exercise}) instead of {original}")
    if verbose:
        lines.append("      enforced: " + "; ".join(h.describe() for h in r.holds))
    return lines


def render_text(ev: Evaluation, plan: DayPlan, *, verbose: bool = True) -> str:
    lines = ["prehab: today's plan", ""]
    refs = unique_texts(ev.referrals)
    if refs:
        lines.append("SEE A PROFESSIONAL (most urgent first)")
        for c in refs:
            label = URGENCY_LABEL.get(c.urgency, "")
            lines.append(f"  ! [{label}] {c.text}" if label else f"  ! {c.text}")
            lines.extend(reason_lines(c.reason) if verbose else [])
        lines.append("")
    held = restrictions(ev, plan)
    if held:
        lines.append("NOT TODAY")
        for r in held:
            lines.extend(restriction_lines(r, verbose))
        for text in instead_texts(ev):
            lines.append(f"  > {text}")
        lines.append("")
    cautions = unique_texts(plain_cautions(ev))
    for title, items in (("CAUTIONS", cautions), ("CONTEXT", unique_texts(ev.notes))):
        if items:
            lines.append(title)
            for c in items:
                lines.append(f"  - {c.text}  [{c.reason.rule_id}]")
            lines.append("")
    for kind, title in (("mobility", "MOBILITY"), ("strength", "STRENGTH"), ("plyometric", "PLYOMETRIC")):
        group = [p for p in plan.items if p.kind == kind]
        if not group:
            continue
        minutes = sum(p.minutes for p in group)
        lines.append(f"{title} ({len(group)}, about {minutes:g} min)")
        for p in group:
            lines.extend(_prescription_lines(p, verbose))
        lines.append("")
    if not plan.items and not refs and not held:
        lines += ["Nothing to add today: no rule asked for extra work. Run easy and enjoy it.", ""]
    if plan.extra:
        lines.append("IF YOU HAVE MORE TIME")
        for p in plan.extra:
            lines.append(f"  {p.name} ({p.exercise}): {dose_text(p.dose)}, {p.minutes:g} min")
        lines.append("")
    if plan.swapped:
        lines.append("SWAPPED FOR YOUR EQUIPMENT")
        lines += [f"  {orig} -> {p.exercise}" for orig, p in plan.swapped]
        lines.append("")
    if plan.missing_equipment:
        lines.append("NEEDS EQUIPMENT YOU DO NOT HAVE")
        lines += [f"  {p.exercise}: needs {', '.join(eq)}" for p, eq in plan.missing_equipment]
        lines.append("")
    for err in ev.errors:
        lines.append(f"engine: {err}")
    lines.append(DISCLAIMER)
    return "\n".join(lines)


def _prescription_lines(p: Prescription, verbose: bool) -> list[str]:
    easier = f" (easier version of {p.regressed_from})" if p.regressed_from else ""
    lines = [f"  {p.name} ({p.exercise}): {dose_text(p.dose)}, {p.minutes:g} min{easier}"]
    first, *others = p.reasons
    if verbose:
        lines.extend(reason_lines(first))
    else:
        lines.append(f"      why: {first.why}")
    if others:
        lines.append("      also: " + "; ".join(f"{r.rule_id} ({r.title})" for r in others))
    if p.progress_note:
        lines.append(f"      step: {p.progress_note}")
    return lines


def reason_json(reason: Reason) -> dict[str, Any]:
    return {
        "rule": reason.rule_id,
        "title": reason.title,
        "why": reason.why,
        "source": reason.source,
        "priority": reason.priority,
        "chain": list(reason.chain),
        "matched": [{"name": m.name, "values": m.values} for m in reason.matched],
    }


def prescription_json(p: Prescription) -> dict[str, Any]:
    return {
        "exercise": p.exercise,
        "name": p.name,
        "kind": p.kind,
        "dose": p.dose,
        "dose_text": dose_text(p.dose),
        "minutes": p.minutes,
        "regressed_from": p.regressed_from or None,
        "progress": p.progress_note or None,
        "complaints": sorted(p.complaints),
        "reasons": [reason_json(r) for r in p.reasons],
    }


def restriction_json(r: Restriction) -> dict[str, Any]:
    return {
        "rule": r.rule_id,
        "rules": r.rule_ids,
        "text": r.text,
        "holds": [
            {
                "regions": list(h.regions),
                "works": list(h.works),
                "kinds": list(h.kinds),
                "loads": list(h.loads),
                "tags": list(h.tags),
                "exercises": list(h.exercises),
                "mode": h.mode,
                "description": h.describe(),
            }
            for h in r.holds
        ],
        "left_out": [p.exercise for p in r.removed],
        "easier": [{"from": original, "to": p.exercise} for original, p in r.easier],
    }


def evaluation_json(ev: Evaluation, plan: DayPlan) -> dict[str, Any]:
    def texts(items: list[Conclusion]) -> list[dict[str, Any]]:
        return [{"text": c.text, **reason_json(c.reason)} for c in unique_texts(items)]

    return {
        "disclaimer": DISCLAIMER,
        "referrals": [
            {"urgency": c.urgency, **t}
            for c, t in zip(unique_texts(ev.referrals), texts(ev.referrals), strict=True)
        ],
        "not_today": [restriction_json(r) for r in restrictions(ev, plan)],
        "instead": instead_texts(ev),
        "cautions": texts(plain_cautions(ev)),
        "notes": texts(ev.notes),
        "today": [prescription_json(p) for p in plan.items],
        "if_time": [prescription_json(p) for p in plan.extra],
        "swapped": [{"from": orig, "to": p.exercise} for orig, p in plan.swapped],
        "missing_equipment": [
            {"exercise": p.exercise, "needs": list(eq)} for p, eq in plan.missing_equipment
        ],
        "held_back": [{"exercise": p.exercise, "by": reason_json(r)} for p, r in ev.suppressed + plan.held],
        "easier": [
            {"from": original, "to": p.exercise, "by": reason_json(r)} for original, p, r in ev.regressed
        ],
        "flags": ev.flags,
        "fired": ev.fired,
        "errors": ev.errors,
    }


MIN_WIDTH = 40
"""Narrower terminals still get lines of 40 columns: shorter ones would be mostly indent."""

_HANG = re.compile(r"^(\s*)(?:([-!x>*]|\[[ x]\]) |([a-z][a-z ]{0,24}): )?")
"""A line's indent, then a bullet (``- ``, ``! ``, ``x ``...) or a label (``why: ``), which
the wrapped lines hang under."""


def terminal_width(fallback: int = 80) -> int:
    """Columns of the terminal the text goes to (``$COLUMNS`` first), else ``fallback``."""
    return max(MIN_WIDTH, shutil.get_terminal_size((fallback, 24)).columns)


def wrap_text(text: str, width: int | None = None) -> str:
    """``text`` with every line longer than ``width`` (the terminal's) wrapped at spaces.

    Wrapped lines keep the line's indent and hang under its bullet or label, so a long
    ``why:`` stays readable as one block; words are never split (a rule id or a path longer
    than the line stays whole).
    """
    width = width or terminal_width()
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

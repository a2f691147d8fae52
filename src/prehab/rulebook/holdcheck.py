"""A caution that forbids something must carry the hold that enforces it.

Text is what the runner reads; holds are what the planner obeys. Where the words of a caution,
referral or note say "no jumping", "no heavy lifting", "no strength work" or "don't stretch",
the rule must also hold that category back, or its plan could contradict its own caution.
The check reads clauses, so "strength work without impact is fine" asks for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from prehab.rulebook.model import HoldSpec, Rule

_CLAUSES = re.compile(r"[.;:!?()]")
_RESTRICT = re.compile(r"\b(no|avoid|don't|do not|never)\b", re.IGNORECASE)
CATEGORIES: dict[str, re.Pattern[str]] = {
    "jumping (plyometric or impact work)": re.compile(r"\b(jump\w*|hop\w*|plyometric\w*|bound\w*)", re.I),
    "heavy loads": re.compile(r"\bheavy\b", re.I),
    "strength work": re.compile(r"\bstrength\b", re.I),
    "stretching (mobility work)": re.compile(r"\bstretch\w*", re.I),
}
_FIX = {
    "jumping (plyometric or impact work)": 'hold = { kinds = ["plyometric"] } (or tags = ["impact"])',
    "heavy loads": 'hold = { loads = ["heavy"] }',
    "strength work": 'hold = { kinds = ["strength"], region = "..." }',
    "stretching (mobility work)": 'hold = { kinds = ["mobility"], region = "..." } (or a hold with no kinds)',
}


def forbidden_categories(text: str) -> set[str]:
    """The categories a text forbids: a restricting word, then the category, in one clause."""
    found: set[str] = set()
    for clause in _CLAUSES.split(text):
        match = _RESTRICT.search(clause)
        if match is None:
            continue
        rest = clause[match.start() :]
        found |= {name for name, pattern in CATEGORIES.items() if pattern.search(rest)}
    return found


def covers(hold: HoldSpec, category: str) -> bool:
    if category.startswith("jumping"):
        return not hold.kinds or "plyometric" in hold.kinds or "impact" in hold.tags
    if category == "heavy loads":
        return "heavy" in hold.loads or (not hold.loads and not hold.tags and not hold.exercises)
    if category == "strength work":
        return not hold.kinds or "strength" in hold.kinds
    return not hold.kinds or "mobility" in hold.kinds


def uncovered(rule: Rule) -> list[tuple[str, str]]:
    """(which text, category) pairs that the rule's words forbid but none of its holds enforce."""
    out = []
    for key in ("caution", "refer", "note"):
        text = getattr(rule.then, key)
        for category in sorted(forbidden_categories(text)):
            if not any(covers(h, category) for h in rule.then.holds):
                out.append((key, category))
    return out


def unknown_hold_tags(rules: Iterable[Rule], catalogue_tags: set[str]) -> list[tuple[Rule, str]]:
    return [(r, t) for r in rules for h in r.then.holds for t in h.tags if t not in catalogue_tags]


def fix_for(category: str) -> str:
    return _FIX[category]

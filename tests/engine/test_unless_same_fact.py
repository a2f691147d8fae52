"""``unless`` with ``{ from = "p.region" }``: a warning sign blocks a rule only in the region of
the pain the rule matched (before it, a warning sign in the shoulder switched off the shin's
protection). Checked in the engine, in the plain-Python matcher (``explain --why-not``), and
in the loader's messages for a wrong reference."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prehab.advice import evaluate
from prehab.rulebook import Rulebook, load_rulebook
from prehab.rulebook.matching import explain_conditions, rule_matches

PACK = """
[[rule]]
id = "warning-sign"
title = "Pain above 6: a warning sign in its region"
priority = 900
when = [ { fact = "pain", level = { above = 6 } } ]
then.flag = { name = "red-flag", region = { from = "pain.region" } }
then.refer = "See someone."
why = "w"
source = "s"
[[rule.example]]
given = [ { fact = "pain", region = "knees", level = 7 } ]
expect.refer = true

[[rule]]
id = "bone-site"
title = "Shin pain: no impact, unless that shin has a warning sign"
priority = 500
when_any = [
  { fact = "pain", as = "p", region = { one_of = ["shins", "feet"] }, level = { at_most = 6 } },
]
unless = [ { fact = "flag", name = "red-flag", region = { from = "p.region" } } ]
then.caution = "Pain-free running only."
then.flag = { name = "bone-site-pain", region = { from = "p.region" } }
why = "w"
source = "s"
[[rule.example]]
given = [ { fact = "pain", region = "shins", level = 3 }, { fact = "pain", region = "core", level = 8 } ]
expect.fires = ["bone-site"]
"""


def _book(make_pack: Callable[..., Path], rules: str = PACK) -> Rulebook:
    result = load_rulebook([make_pack(rules)])
    assert result.errors == [], [str(p) for p in result.errors]
    assert result.rulebook is not None
    return result.rulebook


def test_a_warning_sign_elsewhere_does_not_block_the_rule(make_pack: Callable[..., Path]) -> None:
    book = _book(make_pack)
    shin = {"fact": "pain", "region": "shins", "level": 6}
    elsewhere = evaluate(book, [shin, {"fact": "pain", "region": "upper_body", "level": 8}])
    assert "bone-site" in elsewhere.fired and "bone-site-pain:shins" in elsewhere.flags
    alone = evaluate(book, [shin])
    assert "bone-site" in alone.fired


def test_a_warning_sign_in_the_same_region_blocks_it(make_pack: Callable[..., Path]) -> None:
    book = _book(make_pack)
    ev = evaluate(
        book, [{"fact": "pain", "region": "feet", "level": 4}, {"fact": "pain", "region": "feet", "level": 8}]
    )
    assert "warning-sign" in ev.fired and "bone-site" not in ev.fired


def test_each_matched_pain_is_judged_by_its_own_region(make_pack: Callable[..., Path]) -> None:
    """Shins and feet both hurt, the feet with a warning sign: the shin still fires it."""
    book = _book(make_pack)
    facts = [
        {"fact": "pain", "region": "shins", "level": 3},
        {"fact": "pain", "region": "feet", "level": 5},
        {"fact": "flag", "name": "red-flag", "region": "feet"},
    ]
    ev = evaluate(book, facts)
    assert "bone-site-pain:shins" in ev.flags and "bone-site-pain:feet" not in ev.flags


def test_the_plain_matcher_agrees_and_says_why(make_pack: Callable[..., Path]) -> None:
    book = _book(make_pack)
    rule = book.rules["bone-site"]
    shin = {"fact": "pain", "region": "shins", "level": 3}
    assert rule_matches(rule, [shin, {"fact": "flag", "name": "red-flag", "region": "knees"}])
    same = [shin, {"fact": "flag", "name": "red-flag", "region": "shins"}]
    assert not rule_matches(rule, same)
    unless = [r for r in explain_conditions(rule, same) if r.part == "unless"]
    assert len(unless) == 1 and not unless[0].holds and "blocked by flag" in unless[0].detail


def _errors(make_pack: Callable[..., Path], unless: str, when: str = "") -> list[str]:
    rules = PACK.replace(
        'unless = [ { fact = "flag", name = "red-flag", region = { from = "p.region" } } ]', unless
    )
    if when:
        rules = rules.replace('when = [ { fact = "pain", level = { above = 6 } } ]', when)
    return [f"{p.line}: {p.message}" for p in load_rulebook([make_pack(rules)]).errors]


def test_a_wrong_reference_is_a_located_error(make_pack: Callable[..., Path]) -> None:
    unknown = _errors(
        make_pack, 'unless = [ { fact = "flag", name = "red-flag", region = { from = "q.region" } } ]'
    )
    assert any("must name a condition of this rule" in e for e in unknown), unknown
    typed = _errors(
        make_pack, 'unless = [ { fact = "flag", name = "red-flag", region = { from = "p.level" } } ]'
    )
    assert any("'level' of p is" in e and "region" in e for e in typed), typed
    in_when = _errors(
        make_pack,
        "unless = []",
        when='when = [ { fact = "pain", level = { above = 6 }, region = { from = "pain.region" } } ]',
    )
    assert any("only an 'unless' condition can use it" in e for e in in_when), in_when
    assert all(e.split(":")[0] != "None" for e in unknown + typed + in_when), "each error has its line"

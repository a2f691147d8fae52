"""The loader reports every user error as file:line: path: message (fix), never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prehab.rulebook import load_rulebook

GOOD_RULE = """
[[rule]]
id = "calves-tight"
title = "Tight calves"
priority = 50
when = [ { fact = "tightness", region = "calves", level = { at_least = 4 } } ]
then.prescribe = [ { exercise = "calf-stretch" } ]
why = "Tight calves."
source = "seed"
[[rule.example]]
given = [ { fact = "tightness", region = "calves", level = 6 } ]
expect.prescribe = ["calf-stretch"]
"""


def _errors(pack: Path) -> list[str]:
    result = load_rulebook([pack])
    assert result.rulebook is None
    return [str(p) for p in result.errors]


def test_good_pack_loads(make_pack: Callable[..., Path]) -> None:
    result = load_rulebook([make_pack(GOOD_RULE)])
    assert result.errors == []
    assert result.rulebook is not None
    assert list(result.rulebook.rules) == ["calves-tight"]
    assert result.rulebook.exercises["calf-raise"].loads == ("calves",)  # strength loads what it works
    assert result.rulebook.exercises["calf-stretch"].loads == ()  # mobility loads nothing


def test_toml_syntax_error_has_file_and_line(make_pack: Callable[..., Path]) -> None:
    pack = make_pack(GOOD_RULE + '\n[[rule]]\nid = "broken\n')
    errors = _errors(pack)
    assert len(errors) == 1
    assert f"{pack / 'rules.toml'}:15:" in errors[0]
    assert "TOML syntax" in errors[0]


def test_unknown_exercise_suggests_nearest(make_pack: Callable[..., Path]) -> None:
    pack = make_pack(GOOD_RULE.replace('exercise = "calf-stretch"', 'exercise = "calf-strech"'))
    (error,) = _errors(pack)
    assert f"{pack / 'rules.toml'}:7: rule.calves-tight.then.prescribe[0].exercise" in error
    assert "unknown exercise 'calf-strech'" in error
    assert "did you mean 'calf-stretch'?" in error


def test_every_problem_is_reported_at_once(make_pack: Callable[..., Path]) -> None:
    bad = (
        GOOD_RULE.replace('region = "calves"', 'region = "calfs"', 1)
        .replace("at_least = 4", "at_leest = 4")
        .replace("priority = 50", 'priority = "high"')
    )
    errors = _errors(make_pack(bad))
    text = "\n".join(errors)
    assert "unknown region" not in text or "did you mean 'calves'?" in text
    assert "'calfs' is not a known value; did you mean 'calves'?" in text
    assert "unknown test 'at_leest'" in text and "did you mean 'at_least'?" in text
    assert "priority must be a whole number" in text
    assert len(errors) >= 3


def test_wrong_types_are_caught_before_the_engine(make_pack: Callable[..., Path]) -> None:
    bad = GOOD_RULE.replace("level = { at_least = 4 }", 'level = { at_least = "four" }')
    (error,) = _errors(make_pack(bad))
    assert "expected a number, got 'four'" in error
    assert ":6: rule.calves-tight.when[0].level.at_least" in error

    bad_field = GOOD_RULE.replace("level = { at_least = 4 }", "levle = 4")
    (error,) = _errors(make_pack(bad_field))
    assert "'tightness' has no field 'levle'; did you mean 'level'?" in error.replace(" (", "; ").replace(
        ")", ""
    )


def test_number_tests_on_text_fields_are_refused(make_pack: Callable[..., Path]) -> None:
    bad = GOOD_RULE.replace('region = "calves"', "region = { above = 3 }", 1)
    (error,) = _errors(make_pack(bad))
    assert "'above' compares numbers but 'region' is a body region" in error


def test_missing_parts_and_examples(make_pack: Callable[..., Path]) -> None:
    rule = """
    [[rule]]
    id = "x"
    title = "No why, no then, no example"
    when = [ { fact = "tightness" } ]
    source = "s"
    """
    errors = "\n".join(_errors(make_pack(rule)))
    assert "missing 'why'" in errors
    assert "'then' must say what the rule concludes" in errors


def test_default_pack_rules_need_examples_but_user_rules_do_not(
    make_pack: Callable[..., Path], tmp_path: Path
) -> None:
    no_example = GOOD_RULE.split("[[rule.example]]")[0]
    errors = _errors(make_pack(no_example))
    assert any("no embedded example" in e for e in errors)
    user = tmp_path / "user"
    user.mkdir()
    (user / "mine.toml").write_text(no_example.replace("calves-tight", "my-calves"), encoding="utf-8")
    result = load_rulebook([make_pack(GOOD_RULE, name="base"), user])
    assert result.errors == []
    assert result.rulebook is not None and "my-calves" in result.rulebook.rules


def test_duplicate_ids_in_one_layer(make_pack: Callable[..., Path]) -> None:
    errors = _errors(make_pack(GOOD_RULE + GOOD_RULE))
    assert any("duplicate rule id 'calves-tight'" in e for e in errors)


def test_user_rule_replaces_default_and_override_disables(
    make_pack: Callable[..., Path], tmp_path: Path
) -> None:
    base = make_pack(GOOD_RULE + GOOD_RULE.replace("calves-tight", "other-rule"))
    user = tmp_path / "user"
    user.mkdir()
    (user / "a.toml").write_text(
        GOOD_RULE.replace("Tight calves", "My own calves rule")
        + '\n[[override]]\nid = "other-rule"\nenabled = false\n'
        + '\n[[override]]\nid = "calves-tight"\nset = { "when.0.level.at_least" = 7 }\n',
        encoding="utf-8",
    )
    result = load_rulebook([base, user])
    assert result.errors == []
    book = result.rulebook
    assert book is not None
    assert book.rules["calves-tight"].title == "My own calves rule"
    assert book.replaced["calves-tight"].endswith("a.toml")
    assert not book.rules["other-rule"].enabled and book.disabled == {"other-rule"}
    (level_test,) = [t for t in book.rules["calves-tight"].when[0].tests if t.field == "level"]
    assert level_test.value == 7


def test_override_of_unknown_id_suggests(make_pack: Callable[..., Path], tmp_path: Path) -> None:
    user = tmp_path / "user"
    user.mkdir()
    (user / "o.toml").write_text('[[override]]\nid = "calves-tite"\nenabled = false\n', encoding="utf-8")
    result = load_rulebook([make_pack(GOOD_RULE), user])
    assert result.rulebook is None
    (error,) = [str(p) for p in result.errors]
    assert "o.toml:2: override[0].id: no rule with id 'calves-tite' (did you mean 'calves-tight'?)" in error


def test_unless_cycle_is_an_error_naming_the_rules(make_pack: Callable[..., Path]) -> None:
    def rule(rule_id: str, makes: str, blocked_by: str) -> str:
        return f"""
        [[rule]]
        id = "{rule_id}"
        title = "t"
        when = [ {{ fact = "tightness" }} ]
        unless = [ {{ fact = "flag", name = "{blocked_by}" }} ]
        then.flag = "{makes}"
        why = "w"
        source = "s"
        [[rule.example]]
        given = [ {{ fact = "tightness", region = "calves", level = 5 }} ]
        expect.fires = ["{rule_id}"]
        """

    errors = _errors(make_pack(rule("rule-a", "a", "b") + rule("rule-b", "b", "a")))
    (error,) = [e for e in errors if "cycle" in e]
    assert "rule-a" in error and "rule-b" in error


def test_fan_out_limit_is_reported_not_hit(make_pack: Callable[..., Path]) -> None:
    rules = "".join(
        f"""
        [[rule]]
        id = "r{i}"
        title = "t"
        when = [ {{ fact = "load", weekly_km = {{ above = {i} }} }} ]
        then.note = "n"
        why = "w"
        source = "s"
        [[rule.example]]
        given = [ {{ fact = "load", weekly_km = 500 }} ]
        expect.fires = ["r{i}"]
        """
        for i in range(70)
    )
    errors = _errors(make_pack(rules))
    assert any("70 conditions can match one 'load' fact" in e and "error 303" in e for e in errors)


def test_rule_files_cannot_run_code(make_pack: Callable[..., Path]) -> None:
    sneaky = GOOD_RULE.replace(
        'then.prescribe = [ { exercise = "calf-stretch" } ]',
        "then.run = \"__import__('os').system('touch /tmp/pwned')\"",
    )
    errors = _errors(make_pack(sneaky))
    assert any("unknown conclusion 'run'" in e for e in errors)


def test_identical_conditions_count_once_towards_the_fan_out_limit(make_pack: Callable[..., Path]) -> None:
    rules = "".join(
        f"""
        [[rule]]
        id = "r{i}"
        title = "t"
        when = [ {{ fact = "load", weekly_km = {{ above = 20 }} }} ]
        then.note = "n{i}"
        why = "w"
        source = "s"
        [[rule.example]]
        given = [ {{ fact = "load", weekly_km = 500 }} ]
        expect.fires = ["r{i}"]
        """
        for i in range(70)
    )
    result = load_rulebook([make_pack(rules)])
    assert result.errors == []
    assert result.rulebook is not None
    from prehab.advice import evaluate

    ev = evaluate(result.rulebook, [{"fact": "load", "weekly_km": 50.0}])
    assert ev.errors == [] and len(ev.fired) == 70

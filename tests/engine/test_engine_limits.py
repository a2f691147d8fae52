"""Every durable-rules limit is predicted by `prehab rules check`, with a located message; a
refusal the check still missed falls back to the last good rulebook with the reason.

Why (issue 9, item 4): a pack the loader passed could hang `recommend` (a one_of of 520
values: the loader counted only `equals` literals) or stop the app with a traceback (3,000
rules sharing a condition: durable error 108). The limits were measured with
bench/limits.py; prehab.engine.limits counts them on the compiled pack. Packs at each limit
must build and run (checked in a subprocess: a wrong prediction would hang durable, which
holds the GIL), and one step past each must be refused before durable sees it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from prehab.engine import cache, limits
from prehab.rulebook import LoadResult, analysis, load_rulebook

LOAD_FIELDS = (
    "weekly_km", "previous_week_km", "weekly_change_pct", "weekly_increase_km", "two_week_change_pct",
    "longest_run_30d_km", "last_run_km", "run_spike_pct", "acwr", "monotony", "strain",
    "long_run_share_pct", "treadmill_share_pct", "cycling_share_pct", "days_since_strength",
)  # fmt: skip
MAX_PER_FACT = analysis.MAX_CONDITIONS_PER_FACT
REGIONS = ("calves", "achilles", "shins", "feet", "knees", "hamstrings", "glutes", "quadriceps")


def rule(rule_id: str, when: str = "", *, when_any: str = "", unless: str = "", then: str = "") -> str:
    lines = [f'[[rule]]\nid = "{rule_id}"\ntitle = "t"\nwhy = "w"\nsource = "s"']
    if when:
        lines.append(f"when = [ {when} ]")
    if when_any:
        lines.append(f"when_any = [ {when_any} ]")
    if unless:
        lines.append(f"unless = [ {unless} ]")
    lines.append(then or 'then.note = "n"')
    return "\n".join(lines) + "\n\n"


def one_of(values: list[str]) -> str:
    return "{ one_of = [" + ", ".join(f'"{v}"' for v in values) + "] }"


# Each shape: (rules at the limit, rules one past it, words the refusal must contain).
def literals_in_one_of(n: int) -> str:
    return rule("big", f'{{ fact = "answer", question = {one_of([f"q{i}" for i in range(n)])} }}')


def literals_across_rules(n: int) -> str:
    """300 rules with `equals`, the rest as one one_of: the old check counted only the 300."""
    equals = "".join(rule(f"r{i}", f'{{ fact = "answer", question = "q{i}" }}') for i in range(300))
    return equals + rule(
        "big", f'{{ fact = "answer", question = {one_of([f"x{i}" for i in range(n - 300)])} }}'
    )


def shared_condition(n: int) -> str:
    cond = '{ fact = "tightness", region = "calves", level = { at_least = 4 } }'
    return "".join(rule(f"r{i}", cond) for i in range(n))


def one_of_sharing_a_value(n: int) -> str:
    return "".join(
        rule(
            f"r{i}",
            f'{{ fact = "tightness", region = {one_of(["calves", "shins"])}, '
            f"level = {{ equals = {i % 11} }} }}",
        )
        for i in range(n)
    )


def thresholds(n: int) -> str:
    return "".join(rule(f"r{i}", f'{{ fact = "load", weekly_km = {{ above = {i} }} }}') for i in range(n))


def joined_facts(n: int) -> str:
    """One rule whose when has ``n`` conditions (tightness, soreness, pain; one region each)."""
    regions = [(k, r) for k in ("tightness", "soreness", "pain") for r in REGIONS]
    return rule("wide", ", ".join(f'{{ fact = "{k}", region = "{r}" }}' for k, r in regions[:n]))


def one_of_tests(n: int) -> str:
    tests = ", ".join(f"{f} = {{ one_of = [1.0, 2.0] }}" for f in LOAD_FIELDS[:n])
    return rule("many", f'{{ fact = "load", {tests} }}')


def stages(n: int) -> str:
    """A chain of rules, each blocked by the previous one's flag: n stages."""
    out = rule("s0", '{ fact = "tightness" }', then='then.flag = "f0"')
    for i in range(1, n):
        out += rule(
            f"s{i}",
            f'{{ fact = "tightness", level = {{ at_least = {i % 11} }} }}',
            unless=f'{{ fact = "flag", name = "f{i - 1}" }}',
            then=f'then.flag = "f{i}"',
        )
    return out


def engine_rules(n: int) -> str:
    """n rules on distinct answers (a pack compiles to one durable rule per rule): 400 questions,
    and as many values of each as it takes."""
    return "".join(
        rule(f"r{i}", f'{{ fact = "answer", question = "q{i % 400}", value = {i // 400} }}') for i in range(n)
    )


SHAPES: dict[str, tuple[Callable[[int], str], int, tuple[str, ...]]] = {
    "one_of values": (literals_in_one_of, limits.MAX_TESTS_PER_NODE, ("different values", "hangs at 512")),
    "literals across rules": (literals_across_rules, limits.MAX_TESTS_PER_NODE, ("different values",)),
    "rules sharing a condition": (shared_condition, limits.MAX_RULES_PER_CONDITION, ("share the", "108")),
    "one_of lists sharing a value": (one_of_sharing_a_value, MAX_PER_FACT, ("one 'tightness' fact", "303")),
    "thresholds on one field": (thresholds, MAX_PER_FACT, ("can match one 'load' fact", "303")),
    "facts one rule joins": (joined_facts, limits.MAX_JOIN, ("joins", "304")),
    "one_of tests in a condition": (one_of_tests, limits.MAX_ONE_OF_TESTS, ("one_of tests", "113")),
    "stages": (stages, limits.MAX_STAGES, ("stages", "unless")),
    "engine rules": (engine_rules, limits.MAX_RULES - limits.INTERNAL_RULES, ("engine rules", "106")),
}  # fmt: skip


def _load(make_pack: Callable[..., Path], rules: str, name: str = "pack") -> LoadResult:
    return load_rulebook([make_pack(rules, name=name)], require_examples_in=0)


@pytest.mark.parametrize("shape", list(SHAPES))
def test_one_past_each_limit_is_refused_with_a_located_message(
    make_pack: Callable[..., Path], shape: str
) -> None:
    build, limit, words = SHAPES[shape]
    result = _load(make_pack, build(limit + 1))
    assert result.rulebook is None
    errors = [str(p) for p in result.errors]
    hits = [e for e in errors if all(w in e for w in words)]
    assert hits, errors
    located = [p for p in result.errors if all(w in str(p) for w in words)][0]
    if shape not in ("engine rules",):
        assert located.line is not None and located.path.startswith("rule."), str(located)


def test_a_520_value_one_of_names_its_rule_and_field(make_pack: Callable[..., Path]) -> None:
    result = _load(make_pack, literals_in_one_of(520))
    (error,) = [p for p in result.errors]
    assert error.path == "rule.big.when.0.question" and error.line == 1
    assert "520 different values" in error.message and "'answer' facts" in error.message


AT_THE_LIMIT = """
import json, sys
from pathlib import Path
from prehab.engine.runner import Engine
from prehab.rulebook import load_rulebook
out = {}
for pack in sys.argv[1:]:
    result = load_rulebook([Path(pack)], require_examples_in=0)
    if result.rulebook is None:
        out[pack] = "refused: " + str(result.errors[0])
        continue
    facts = [{"fact": "answer", "question": "q3", "value": 1}, {"fact": "load", "weekly_km": 1.0}]
    facts += [{"fact": k, "region": r, "level": 5} for k in ("tightness", "soreness") for r in
              ("calves", "achilles", "shins", "feet", "knees", "hamstrings", "glutes", "quadriceps")]
    run = Engine(result.rulebook).run(facts)
    out[pack] = "ran" if not run.errors else "errors: " + "; ".join(run.errors)
print(json.dumps(out))
"""


def test_packs_at_each_limit_build_and_run(make_pack: Callable[..., Path]) -> None:
    """In a subprocess: a limit set too high would hang durable (holding the GIL) or crash."""
    packs = {
        shape: make_pack(build(limit), name=f"p{i}")
        for i, (shape, (build, limit, _)) in enumerate(SHAPES.items())
    }
    done = subprocess.run(
        [sys.executable, "-c", AT_THE_LIMIT, *map(str, packs.values())],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert {shape: outcome[str(pack)] for shape, pack in packs.items()} == {shape: "ran" for shape in packs}


def test_a_fact_kind_with_too_many_fields_is_refused(make_pack: Callable[..., Path]) -> None:
    pack = make_pack(rule("r", '{ fact = "tightness" }'))
    fields = "".join(f'fields.f{i} = {{ type = "int" }}\n' for i in range(limits.MAX_FIELDS + 1))
    with (pack / "facts.toml").open("a", encoding="utf-8") as out:
        out.write(f'\n[fact.wide]\ndescription = "many fields"\n{fields}')
    result = load_rulebook([pack], require_examples_in=0)
    assert any("fact.wide.fields" in str(p) and "302" in str(p) for p in result.errors), [
        str(p) for p in result.errors
    ]


# -- a refusal the check missed: the last good rulebook stays, with the reason ----------------


@pytest.fixture
def check_misses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the loader missed a limit, so durable itself refuses (error 108) at Engine()."""
    monkeypatch.setattr(limits, "check", lambda rules, schema=None, compiled_rules=None: [])


REFUSED = shared_condition(260)


def test_recommend_with_a_pack_the_engine_refuses_is_a_one_line_error(
    make_pack: Callable[..., Path], check_misses: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from prehab.cli import main

    facts = tmp_path / "facts.toml"
    facts.write_text('[[tightness]]\nregion = "calves"\nlevel = 6\n', encoding="utf-8")
    mine = make_pack(REFUSED) / "rules.toml"  # over the shipped pack: a user's file
    code = main(["recommend", "--rules", str(mine), "--facts", str(facts)])
    err = capsys.readouterr().err
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "engine cannot run" in lines[0], err
    assert "108" in lines[0] and "Traceback" not in err


def test_user_rules_the_engine_refuses_fall_back_to_the_shipped_pack(
    check_misses: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from prehab.cli import main
    from prehab.paths import user_rules_dir

    user = user_rules_dir()
    user.mkdir(parents=True)
    (user / "mine.toml").write_text(REFUSED, encoding="utf-8")
    facts = tmp_path / "facts.toml"
    facts.write_text('[[tightness]]\nregion = "calves"\nlevel = 6\n', encoding="utf-8")
    code = main(["recommend", "--facts", str(facts), "--json"])
    captured = capsys.readouterr()
    assert code == 0 and "calves-tight" in json.loads(captured.out)["fired"]
    assert "engine cannot run" in captured.err and "using the shipped rules" in captured.err


def test_rules_check_reports_an_engine_refusal(
    make_pack: Callable[..., Path], check_misses: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from prehab.cli import main

    code = main(["rules", "check", str(make_pack(REFUSED) / "rules.toml")])
    err = capsys.readouterr().err
    assert code == 2 and "engine cannot run" in err and "NOT loaded" in err and "Traceback" not in err


def test_the_app_keeps_its_last_good_rules_when_the_engine_refuses_a_reload(check_misses: None) -> None:
    from prehab.paths import user_rules_dir
    from prehab.rulebook import default_layers
    from prehab.tui.state import AppState

    user = user_rules_dir()
    user.mkdir(parents=True)
    state = AppState(rule_layers=[default_layers(include_user=False)[0], user])
    state.open()
    try:
        good = state.book
        assert good is not None and state.view().errors == []
        (user / "mine.toml").write_text(REFUSED.replace('id = "r', 'id = "u'), encoding="utf-8")
        reloaded = state.reload()
        assert state.book is good and not reloaded.ok
        assert "last good rules stay in force" in reloaded.message
        assert any("engine cannot run" in p.message for p in reloaded.problems)
        assert state.view().errors == []
    finally:
        state.close()
        cache.clear()

"""Locating lines in big files (issue 9, item 8): the Locator answers from an index built in one
pass, so the lines of thousands of entries come back right (and, bench/locate.py shows, in
linear time: nothing here asserts on time).

Each case generates 5,000 entries with known line numbers and checks the first, the middle and
the last, in every shape the Locator follows: [[array]] tables, [table.key] sub-tables, inline
arrays, dotted keys; then the same end to end through a facts file and ``rules check``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prehab.rulebook.factsfile import load_facts_file
from prehab.rulebook.loader import default_layers, load_rulebook
from prehab.rulebook.locate import Locator

N = 5000
PICKS = (0, N // 2, N - 1)


def test_array_of_tables() -> None:
    lines = ["# facts", ""]  # entry i: header on line 3 + 4i, region 4 + 4i, level 5 + 4i
    for i in range(N):
        lines += ["[[tightness]]", f'region = "r{i}"', f"level = {i % 10}", ""]
    loc = Locator("\n".join(lines))
    for i in PICKS:
        assert loc.find(("tightness", i)) == 3 + 4 * i
        assert loc.find(("tightness", i, "region")) == 4 + 4 * i
        assert loc.find(("tightness", i, "level")) == 5 + 4 * i
        assert loc.find(("tightness", i, "missing")) == 3 + 4 * i  # the nearest line found
    assert loc.find(("tightness", N)) == 3 + 4 * (N - 1)  # past the end: the last one
    assert loc.find(("nothing",)) is None


def test_rules_with_sub_tables_and_examples() -> None:
    lines: list[str] = []
    where: dict[tuple[int, str], int] = {}
    for i in range(N):
        where[(i, "rule")] = len(lines) + 1
        lines += ["[[rule]]", f'id = "r-{i}"', "priority = 100"]
        where[(i, "when")] = len(lines) + 1
        lines += ['when = [ { fact = "tightness", level = { at_least = 4 } }, { fact = "load" } ]']
        where[(i, "then")] = len(lines) + 1
        lines += ["[rule.then]"]
        where[(i, "prescribe")] = len(lines) + 1
        lines += ['prescribe = [ { exercise = "plank" } ]']
        where[(i, "example")] = len(lines) + 1
        lines += ["[[rule.example]]", 'given = [ { fact = "load" } ]', ""]
    loc = Locator("\n".join(lines))
    for i in PICKS:
        assert loc.find(("rule", i)) == where[(i, "rule")]
        assert loc.find(("rule", i, "when", 1)) == where[(i, "when")]
        assert loc.find(("rule", i, "when", 0, "level", "at_least")) == where[(i, "when")]
        assert loc.find(("rule", i, "then")) == where[(i, "then")]
        assert loc.find(("rule", i, "then", "prescribe", 0, "exercise")) == where[(i, "prescribe")]
        assert loc.find(("rule", i, "example", 0)) == where[(i, "example")]
        assert loc.find(("rule", i, "example", 0, "given", 0)) == where[(i, "example")] + 1


def test_one_inline_array_of_many_tables() -> None:
    body = ",\n".join(f'  {{ region = "r{i}", level = {i % 10} }}' for i in range(N))
    loc = Locator(f"tightness = [\n{body}\n]\nnote = 'after'\n")
    for i in PICKS:  # element i is on line 2 + i
        assert loc.find(("tightness", i)) == 2 + i
        assert loc.find(("tightness", i, "level")) == 2 + i
    assert loc.find(("tightness", N)) == 1  # no such element: the key's line
    assert loc.find(("note",)) == N + 3


def test_dotted_keys_and_sub_table_headers() -> None:
    lines = []
    for i in range(N):
        lines += [f"[exercise.e{i}]", f'name = "E{i}"', f"dose.sets = {i % 5 + 1}", ""]
    loc = Locator("\n".join(lines))
    for i in PICKS:
        assert loc.find(("exercise", f"e{i}")) == 1 + 4 * i
        assert loc.find(("exercise", f"e{i}", "name")) == 2 + 4 * i
        assert loc.find(("exercise", f"e{i}", "dose", "sets")) == 3 + 4 * i


def test_keys_that_are_not_bare() -> None:
    text = 'plain = 1\n"with space" = 2\n"é" = 3\n[t]\n"a b".c = 4\n'
    loc = Locator(text)
    assert [loc.find((k,)) for k in ("plain", "with space", "é")] == [1, 2, 3]
    assert loc.find(("t", "a b", "c")) == 5
    assert loc.find(("t", "zz")) == 4


# -- end to end ------------------------------------------------------------------------------


def test_a_facts_file_of_5000_bad_facts_has_every_line_right(tmp_path: Path) -> None:
    book = load_rulebook(default_layers(include_user=False)).rulebook
    assert book is not None
    path = tmp_path / "facts.toml"
    path.write_text("".join(f'[[tightness]]\nregion = "calves"\nlevel = {11 + i % 3}\n\n' for i in range(N)))
    _, problems = load_facts_file(path, book.schema)
    by_where = {p.path: p for p in problems}
    assert len(problems) == N
    for i in PICKS:
        problem = by_where[f"tightness[{i}].level"]
        assert problem.line == 3 + 4 * i and "above the maximum" in problem.message


def test_rules_check_on_5000_rules_locates_an_error_in_the_last(
    make_pack: Callable[..., Path],
) -> None:
    rule = """
[[rule]]
id = "r-{i}"
title = "Rule {i}"
priority = 100
when = [ {{ fact = "tightness", region = "calves", level = {{ at_least = 4 }} }} ]
why = "Synthetic."
source = "test"
[rule.then]
prescribe = [ {{ exercise = "{exercise}" }} ]
[[rule.example]]
given = [ {{ fact = "tightness", region = "calves", level = 9 }} ]
expect.fires = ["r-{i}"]
"""
    text = "".join(rule.format(i=i, exercise="calf-raise" if i < N - 1 else "calf-rase") for i in range(N))
    pack = make_pack(text)
    result = load_rulebook([pack])
    [error] = [p for p in result.errors if "calf-rase" in p.message]
    expected = text.splitlines().index('prescribe = [ { exercise = "calf-rase" } ]') + 1
    assert error.line == expected
    assert error.path == f"rule.r-{N - 1}.then.prescribe[0].exercise"

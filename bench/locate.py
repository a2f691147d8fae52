"""Locating problems in big TOML files: facts files and rule packs (issue 9, item 8).

Run by hand (never part of pytest; nothing here asserts on time):

    .venv/bin/python bench/locate.py            # about half a minute
    .venv/bin/python bench/locate.py --quick    # smaller sizes, a smoke run

Every problem prehab reports carries a line number, found by ``prehab.rulebook.locate.Locator``
from the key path (``tightness[4999].level``); the loader also asks for the line of every rule
and every example. The Locator used to rescan the header list (and the text) on each question,
so a 20,000-fact file took 31 s to check and a 10,000-rule pack 31 s. This prints:

a. the Locator alone: build + one lookup per entry, at doubling sizes, with the time ratio per
   doubling (about 2 means linear, about 4 quadratic);
b. a facts file of 20,000 ``[[tightness]]`` facts, each with a level out of range (so 20,000
   located errors), through ``load_facts_file`` (what ``prehab recommend --facts`` runs);
c. ``prehab rules check`` on a user pack of 10,000 rules, each with an example, through
   ``load_rulebook(default_layers(path))`` (what the command runs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from prehab.rulebook.factsfile import load_facts_file
from prehab.rulebook.loader import default_layers, load_rulebook
from prehab.rulebook.locate import Locator

REGIONS = ("calves", "hamstrings", "glutes", "hip_flexors", "quadriceps", "feet", "shins", "core")


def facts_text(n: int) -> str:
    """``n`` tightness facts as [[tightness]] tables; every level is out of range (an error)."""
    parts = ["# synthetic facts file: every level is above the maximum 10\n"]
    for i in range(n):
        parts.append(f'\n[[tightness]]\nregion = "{REGIONS[i % len(REGIONS)]}"\nlevel = {11 + i % 5}\n')
    return "".join(parts)


def rules_text(n: int) -> str:
    """``n`` valid rules, each with an embedded example."""
    parts = []
    for i in range(n):
        region = REGIONS[i % len(REGIONS)]
        parts.append(
            f"""
[[rule]]
id = "r-{i}"
title = "Synthetic rule {i}"
priority = {100 + i % 500}
when = [ {{ fact = "tightness", region = "{region}", level = {{ at_least = {4 + i % 5} }} }} ]
why = "Synthetic rule for the locate bench."
source = "bench/locate.py"
[rule.then]
prescribe = [ {{ exercise = "plank" }} ]
[[rule.example]]
given = [ {{ fact = "tightness", region = "{region}", level = 9 }} ]
expect.fires = ["r-{i}"]
"""
        )
    return "".join(parts)


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def locator_alone(sizes: list[int], repeat: int) -> None:
    print("a. Locator alone: build + find(('tightness', i, 'level')) for every fact")
    print(f"   {'facts':>7} {'seconds':>9} {'x prev':>7}")
    previous: float | None = None
    for n in sizes:
        text = facts_text(n)

        def run(text: str = text, n: int = n) -> None:
            loc = Locator(text)
            for i in range(n):
                loc.find(("tightness", i, "level"))

        seconds = timed(run, repeat)
        ratio = f"{seconds / previous:7.1f}" if previous else f"{'':>7}"
        print(f"   {n:>7} {seconds:>9.3f} {ratio}")
        previous = seconds
    print("   (x prev: time ratio when the size doubles; ~2 is linear, ~4 quadratic)")


def facts_file(n: int, tmp: Path) -> None:
    from prehab.rulebook.loader import default_layers as layers

    book = load_rulebook(layers(include_user=False)).rulebook
    assert book is not None
    path = tmp / "facts.toml"
    path.write_text(facts_text(n), encoding="utf-8")
    started = time.perf_counter()
    _, problems = load_facts_file(path, book.schema)
    seconds = time.perf_counter() - started
    located = sum(1 for p in problems if p.line is not None)
    print(
        f"b. facts file, {n:,} facts: {seconds:.2f} s, {len(problems):,} problems ({located:,} with a line)"
    )


def rules_check(n: int, tmp: Path) -> None:
    pack = tmp / "pack"
    pack.mkdir()
    (pack / "rules.toml").write_text(rules_text(n), encoding="utf-8")
    started = time.perf_counter()
    result = load_rulebook(default_layers(pack))
    seconds = time.perf_counter() - started
    state = "loaded" if result.rulebook is not None else "refused"
    print(
        f"c. rules check, {n:,} rules: {seconds:.2f} s ({state}; {len(result.errors)} errors, "
        f"{len(result.warnings)} warnings)"
    )
    for problem in result.errors[:2]:
        print(f"   {str(problem)[:150]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one repeat")
    args = parser.parse_args(argv)
    sizes = [1250, 2500, 5000] if args.quick else [2500, 5000, 10000, 20000]
    repeat = 1 if args.quick else 3
    print(f"python {sys.version.split()[0]}")
    locator_alone(sizes, repeat)
    with tempfile.TemporaryDirectory() as raw:
        tmp = Path(raw)
        facts_file(2000 if args.quick else 20000, tmp)
        rules_check(1000 if args.quick else 10000, tmp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

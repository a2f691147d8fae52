"""Memory of rule reloads: RSS after 200 reloads of an unchanged pack and of 200 distinct packs.

Run by hand (prints numbers, asserts nothing):

    .venv/bin/python bench/reload.py              # both cases, 200 reloads each, about a minute
    .venv/bin/python bench/reload.py -n 50        # fewer reloads

What a reload is: what the app does when a rule file is saved (``AppState.reload``):
``load_rulebook`` on the shipped pack plus a user rules folder, then ``evaluate`` (which gets
its engine from ``prehab.advice.engine_for``). "unchanged" reloads the same files every time;
"distinct" rewrites the user's file with a new note each time, so every reload is a new pack
(a new fingerprint) and needs a new engine. Each case runs in a fresh interpreter so one does
not inherit the other's memory. Goal (issue 9, item 12): under 20 MiB growth for "unchanged".
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

USER_RULE = """
[[rule]]
id = "my-calves"
title = "My calves ({n})"
when = [ {{ fact = "tightness", region = "calves", level = {{ at_least = 4 }} }} ]
then.prescribe = [ {{ exercise = "calf-stretch-wall" }} ]
then.note = "reload {n}"
why = "bench"
source = "bench/reload.py"
"""

FACTS = [
    {"fact": "athlete", "experience": "intermediate"},
    {"fact": "tightness", "region": "calves", "level": 6},
    {"fact": "tightness", "region": "hamstrings", "level": 5},
    {"fact": "load", "weekly_km": 50.0, "previous_week_km": 40.0},
]


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(case: str, count: int) -> dict[str, float]:
    from prehab import advice
    from prehab.rulebook import load_rulebook
    from prehab.rulebook.loader import default_layers

    with tempfile.TemporaryDirectory(prefix="prehab-reload-") as tmp:
        user = Path(tmp) / "rules"
        user.mkdir()
        (user / "mine.toml").write_text(USER_RULE.format(n=0), encoding="utf-8")
        layers = [default_layers(include_user=False)[0], user]

        def reload(n: int) -> None:
            if case == "distinct":
                (user / "mine.toml").write_text(USER_RULE.format(n=n), encoding="utf-8")
            book = load_rulebook(layers).rulebook
            assert book is not None
            ev = advice.evaluate(book, list(FACTS))
            assert not ev.errors, ev.errors

        for n in range(5):  # warm-up: imports, caches, the first engine
            reload(n)
        gc.collect()
        before = rss_mib()
        start = time.perf_counter()
        for n in range(count):
            reload(1000 + n)
        elapsed = time.perf_counter() - start
        gc.collect()
        after = rss_mib()
    from prehab.engine import cache

    builds = cache.builds()
    return {
        "before_mib": before,
        "after_mib": after,
        "growth_mib": after - before,
        "ms_per_reload": elapsed * 1000 / count,
        "engine_builds": builds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("-n", type=int, default=200, help="reloads per case (default 200)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.n)))
        return 0
    print(f"prehab reload memory  python {sys.version.split()[0]}  {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"{'case':<10} {'reloads':>7} {'RSS before':>11} {'RSS after':>10} {'growth':>8} "
          f"{'ms/reload':>9} {'engines built':>13}")  # fmt: skip
    for case in ("unchanged", "distinct"):
        done = subprocess.run(
            [sys.executable, __file__, "--child", case, "-n", str(args.n)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(f"{case}: failed\n{done.stderr[-2000:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{case:<10} {args.n:>7} {r['before_mib']:>8.1f} MiB {r['after_mib']:>6.1f} MiB "
            f"{r['growth_mib']:>+6.1f} MiB {r['ms_per_reload']:>6.1f} ms {r['engine_builds']:>13}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Start-up time: process start to the first screen drawn (goal: under 0.5 s).

Run by hand: ``python bench/startup.py [-n 7]``. Each run is a fresh interpreter (so
imports count) that starts the app headless on a seeded history and exits right after
the first screen has been drawn; the parent times from spawning the process to the
child's "drawn" timestamp. For comparison it also times ``prehab --help`` and
``prehab recommend --json`` (which must not import Textual). Prints numbers, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

CHILD = """
import time
from prehab.tui.app import PrehabApp

class FirstScreen(PrehabApp):
    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(self.drawn)

    def drawn(self) -> None:
        print(f"DRAWN {time.time():.6f}", flush=True)

    def _loaded(self, state) -> None:
        super()._loaded(state)
        self.call_after_refresh(self.advice)

    def advice(self) -> None:
        print(f"ADVICE {time.time():.6f}", flush=True)
        self.exit()

FirstScreen(watch=False).run(headless=True, size=(80, 24))
"""


def seed(env: dict[str, str]) -> None:
    """Twelve weeks of running and a check-in, so the first screen has real work to do."""
    os.environ.update(env)
    from prehab.store import Session, Store

    today = date.today()
    with Store.open() as store:
        if store.sessions():
            return
        for days_ago in range(84):
            day = today - timedelta(days=days_ago)
            if day.weekday() in (1, 3, 6):
                km = 14.0 if day.weekday() == 6 else 8.0
                kind = "long" if km > 10 else "easy"
                store.add_session(Session(day, kind, km, duration_min=km * 5.5, rpe=5))
        store.add_checkin({}, [{"fact": "tightness", "region": "calves", "level": 6}])


def time_first_screen(env: dict[str, str]) -> tuple[float, float]:
    """(first frame, first advice on screen), seconds from spawning the process."""
    start = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True)
    stamps = dict(line.split() for line in out.stdout.splitlines() if line.startswith(("DRAWN", "ADVICE")))
    return float(stamps["DRAWN"]) - start, float(stamps["ADVICE"]) - start


def time_command(env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "prehab", *args], env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=7, help="runs per measurement (default 7)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prehab-bench-") as tmp:
        env = {
            **os.environ,
            "PREHAB_DATA_DIR": str(Path(tmp) / "data"),
            "PREHAB_CONFIG_DIR": str(Path(tmp) / "config"),
        }
        seed(env)
        time_first_screen(env)  # warm the OS file cache and .pyc files once
        runs = [time_first_screen(env) for _ in range(args.n)]
        rows = [
            ("first screen drawn (TUI, 80x24)", [r[0] for r in runs]),
            ("today's advice on screen", [r[1] for r in runs]),
            ("prehab --help", [time_command(env, "--help") for _ in range(args.n)]),
            ("prehab recommend --json", [time_command(env, "recommend", "--json") for _ in range(args.n)]),
        ]
    print(f"python {sys.version.split()[0]}, {args.n} runs each (seconds)")
    print(f"{'measurement':<38} {'median':>7} {'min':>7} {'max':>7}")
    for name, times in rows:
        print(f"{name:<38} {statistics.median(times):>7.3f} {min(times):>7.3f} {max(times):>7.3f}")
    goal = statistics.median(rows[0][1])
    print(f"goal: first screen under 0.500 s -> {'met' if goal < 0.5 else 'NOT met'} ({goal:.3f} s)")


if __name__ == "__main__":
    main()

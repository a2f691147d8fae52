"""Reading the history for today's advice: the whole history vs the window the metrics need.

Run by hand (prints numbers, asserts nothing; the million-session database is generated here,
in a temp dir, never in CI):

    .venv/bin/python bench/history.py                  # 10 years and 1,000,000 sessions
    .venv/bin/python bench/history.py --sessions 200000

"whole" is what ``prehab recommend`` did before issue 9 (item 13): ``store.sessions(until=today)``
then ``build_facts``. "window" is ``facts_from_history`` now (``facts.history.metric_sessions``):
the last 35 days plus a few indexed look-ups. Both must give the same facts (checked here too,
and in tests/day/test_history_window.py). Times are medians of a few runs on a warm file cache.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from prehab.day.facts import facts_for_day
from prehab.facts.history import build_facts
from prehab.store import Settings, Store

TODAY = date(2026, 11, 26)
COLUMNS = "athlete_id, date, kind, distance_km, duration_min, rpe, surface, cross_plane, notes, source"


def make_db(path: Path, sessions: int, days: int, *, mobility: bool = True) -> None:
    """``sessions`` sessions spread evenly over the ``days`` days before TODAY, written straight
    into a fresh store's table (add_sessions checks duplicates row by row: minutes at 1M)."""
    Store.open(path).close()
    rng = random.Random(1)
    kinds = ["easy"] * 4 + ["long", "tempo", "intervals", "strength", "strength", "cycling"]
    kinds += ["mobility"] if mobility else []
    start = TODAY - timedelta(days=days - 1)
    per_day = sessions / days
    rows = []
    for i in range(sessions):
        kind = rng.choice(kinds)
        km = 0.0 if kind in ("strength", "mobility") else round(rng.uniform(5, 20), 2)
        day = start + timedelta(days=int(i / per_day))
        rows.append((1, day.isoformat(), kind, km, 45.0, 5, "road", int(rng.random() < 0.05), "", "bench"))
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(f"INSERT INTO sessions ({COLUMNS}) VALUES ({', '.join('?' * 10)})", rows)
    conn.close()


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=1_000_000, help="sessions in the big case")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    settings = Settings()
    cases = [
        ("10 years (5,000)", 5_000, 3650, True),
        (f"{args.sessions:,} since 1980", args.sessions, (TODAY - date(1980, 1, 2)).days, True),
        (f"{args.sessions:,}, mobility never", args.sessions, (TODAY - date(1980, 1, 2)).days, False),
    ]
    print(f"prehab history read  python {sys.version.split()[0]}  {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"{'history':<28} {'whole ms':>10} {'window ms':>10} {'speed-up':>9} {'rows read':>10} same")
    with tempfile.TemporaryDirectory(prefix="prehab-history-") as tmp:
        for label, count, days, mobility in cases:
            path = Path(tmp) / f"h{count}-{mobility}.sqlite3"
            make_db(path, count, days, mobility=mobility)
            with Store.open(path) as store:
                repeat = args.repeat if count < 100_000 else max(2, args.repeat // 2)

                def whole(st: Store = store) -> list[dict[str, object]]:
                    return build_facts(st.sessions(until=TODAY), settings, TODAY, st.latest_checkin())

                def window(st: Store = store) -> list[dict[str, object]]:
                    return facts_for_day(None, st, settings, TODAY)

                same = whole() == window()
                whole_ms = median_ms(whole, repeat)
                window_ms = median_ms(window, repeat)
                from prehab.facts.history import metric_sessions

                rows = len(metric_sessions(store, TODAY))
            print(
                f"{label:<28} {whole_ms:>10.1f} {window_ms:>10.1f} {whole_ms / window_ms:>8.0f}x "
                f"{rows:>10} {'yes' if same else 'NO'}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Start-up, as ratios: each command against a bare Python, the app against a one-widget app.

Run by hand: ``python bench/startup.py [-n 11]``. Prints numbers, asserts nothing. The machine
this runs on is shared and noisy, so every figure is a ratio taken inside one round: a round
runs each measurement once, in turn (interleaved), and the ratio of each round is kept; the
table shows the median of the rounds' ratios next to the median times. Goals (issue 21):

- ``prehab recommend --json --facts examples/runner.toml`` at most 5x ``python -c pass``, and
  the same for ``prehab recommend --json`` reading the day's committed plan (with ``prehab
  done``, the commands a runner types every day: shown, no goal of their own). The day's plan is
  timed twice: as a runner's second command of an unchanged day finds it (printed again from
  the day memo, ``prehab.day.memo``), and with the memo emptied first (the day read again, as
  after any change to the history, the rules or the settings);
- ``prehab --help`` at most 3x; ``prehab ha publish`` (a real local broker) at most 8x, as a
  timer runs it on an unchanged day (sent again from the day memo); also shown with the memo
  emptied first (the day worked out again: no goal of its own);
- the app's first prescription on screen at most 1.3x the first frame of a one-widget
  Textual app (both headless at 80x24, timed from spawning the process): on an unchanged day
  (today drawn from the day memo, the rules read after it is on screen) and with the memo
  emptied first (everything read before today is drawn);
- per athlete, the engine's run (``Engine.run``) at most 0.18x an experta port of the same
  pack (``bench/experta_port.py``, when experta is installed), and against the pure-Python
  forward chainer of ``bench/engine.py``; on the shipped pack and 40 synthetic athletes, after
  checking each peer fires the same rules.

Commands are measured in CPU time (user + system, from ``getrusage``), so a busy neighbour
moves them less; the apps in wall time to the frame. Commands run as the installed ``prehab``
script does (``prehab.cli.run``: the garbage collector held while it starts, as the app is too),
with bytecode cached as a user's install has it: PYTHONDONTWRITEBYTECODE is dropped and the
bytecode goes to a temporary PYTHONPYCACHEPREFIX, warmed by one round that is not counted.
``--src`` times another checkout's ``src`` (before). The pack cache
(``prehab.rulebook.packcache``) is warm too, as it is from a user's second start; ``--cold``
empties it before every run to show the first start.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ENTRY = "from prehab.cli import run; run()"  # what the installed ``prehab`` script runs

ONE_WIDGET = """
import time
from textual.app import App
from textual.widgets import Static

class One(App[None]):
    def compose(self):
        yield Static("hello")

    def on_mount(self) -> None:
        self.call_after_refresh(self.drawn)

    def drawn(self) -> None:
        print(f"DRAWN {time.time():.6f}", flush=True)
        self.exit()

One().run(headless=True, size=(80, 24))
"""

PREHAB_APP = """
import time
from prehab.collector import hold
hold()  # as the prehab script does (prehab.cli.run) before it imports the app
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

FirstScreen(watch=False, onboarding=False).run(headless=True, size=(80, 24))
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


def cpu(cmd: list[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) of one run of ``cmd``: on a busy shared machine the wall
    time mostly measures the neighbours, the CPU time what the command itself costs."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:  # a failing command is fast: never time one by mistake
        raise SystemExit(f"{' '.join(cmd[3:])} failed ({done.returncode}): {done.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def unremembered(cache: Path, env: dict[str, str]) -> dict[str, str]:
    """``env`` with no day memo: the day read as after any change (the history, a rule, a
    setting), the plan already committed. It points to a copy of the cache folder without the
    memo, so the other measurements still find theirs."""
    scratch = cache.with_name("cache-without-the-day-memo")
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(cache, scratch, ignore=shutil.ignore_patterns("day"))
    return {**env, "PREHAB_CACHE_DIR": str(scratch)}


def stamped(code: str, env: dict[str, str], mark: str) -> float:
    """Seconds from spawning ``python -c code`` to the timestamp it prints after ``mark``."""
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    stamps = dict(line.split() for line in out.stdout.splitlines() if line.startswith(("DRAWN", "ADVICE")))
    if mark not in stamps:
        raise SystemExit(f"the child printed no {mark}: {out.stderr[-2000:]}")
    return float(stamps[mark]) - start


def start_broker(folder: Path) -> Any:
    """A real mosquitto (or amqtt) on a free local port, as the Home Assistant tests use."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from ha_broker import make_broker
    except ImportError:
        return None
    try:
        broker = make_broker(folder)
        broker.start()
    except (RuntimeError, OSError, AssertionError):
        return None
    return broker


def engine_ratio(rounds: int) -> list[tuple[str, float, float, float]]:
    """Per evaluation on the shipped pack, interleaved by round: (peer, prehab ms, peer ms,
    ratio) against the experta port (``bench/experta_port.py``, when experta is installed) and
    the pure-Python forward chainer; each peer is checked to fire the same rules first."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from engine import ForwardChainer, synthetic_athletes
    except ImportError:  # tomli_w (bench only) missing
        return []
    from prehab.engine.cache import engine_for
    from prehab.rulebook import default_layers, load_rulebook

    book = load_rulebook(default_layers(include_user=False)).rulebook
    assert book is not None
    athletes = synthetic_athletes(40)
    engine = engine_for(book)
    peers: dict[str, Callable[[list[dict[str, object]]], set[str]]] = {}
    try:
        from experta_port import ExpertaPeer

        peers["experta 1.9.4 port"] = ExpertaPeer(book).run
    except ImportError:
        print("experta is not installed: no experta peer (see bench/experta_port.py)")
    chainer = ForwardChainer(book)
    peers["the pure-Python forward chainer"] = lambda facts: chainer.run(facts).fired
    for name, peer in peers.items():
        agree = sum({f.rule_id for f in engine.run(facts).firings} == peer(facts) for facts in athletes)
        print(f"engine and {name} fire the same rules for {agree} of {len(athletes)} athletes")

    def per(fn: Callable[[list[dict[str, object]]], object]) -> float:
        start = time.perf_counter()
        for facts in athletes:
            fn(facts)
        return (time.perf_counter() - start) * 1000 / len(athletes)

    out = []
    for name, peer in peers.items():
        ours, theirs, ratios = [], [], []
        for _ in range(rounds):
            a = per(engine.run)
            b = per(peer)
            ours.append(a)
            theirs.append(b)
            ratios.append(a / b)
        out.append((name, statistics.median(ours), statistics.median(theirs), statistics.median(ratios)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=11, help="rounds (default 11)")
    parser.add_argument("--cold", action="store_true", help="empty the pack cache before every run")
    parser.add_argument("--no-app", action="store_true", help="skip the app measurements")
    parser.add_argument("--no-ha", action="store_true", help="skip ha publish (no broker needed)")
    parser.add_argument(
        "--src", type=Path, default=ROOT / "src", help="the prehab source to time (before/after)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(args.src.resolve()))  # the seed and the engine ratio time the same source
    with tempfile.TemporaryDirectory(prefix="prehab-bench-") as tmp:
        cache = Path(tmp) / "cache"
        env = {
            **os.environ,
            "PREHAB_DATA_DIR": str(Path(tmp) / "data"),
            "PREHAB_CONFIG_DIR": str(Path(tmp) / "config"),
            "PREHAB_CACHE_DIR": str(cache),
            "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache"),
            "PYTHONPATH": os.pathsep.join([str(args.src.resolve()), os.environ.get("PYTHONPATH", "")]),
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        seed(env)
        prehab = [sys.executable, "-c", ENTRY]
        facts = str(ROOT / "examples" / "runner.toml")
        runs: dict[str, Callable[[], float]] = {
            "python -c pass": lambda: cpu([sys.executable, "-c", "pass"], env),
            "prehab --help": lambda: cpu([*prehab, "--help"], env),
            "prehab recommend --json --facts": lambda: cpu(
                [*prehab, "recommend", "--json", "--facts", facts], env
            ),
            "prehab recommend --json (the day's plan)": lambda: cpu([*prehab, "recommend", "--json"], env),
            "prehab recommend --json (no day memo)": lambda: cpu(
                [*prehab, "recommend", "--json"], unremembered(cache, env)
            ),
            "prehab done (today's list)": lambda: cpu([*prehab, "done"], env),
        }
        broker = None if args.no_ha else start_broker(Path(tmp) / "broker")
        if broker is not None:
            config = Path(tmp) / "config"
            config.mkdir(parents=True, exist_ok=True)
            port = broker.port
            (config / "settings.toml").write_text(f'mqtt_host = "127.0.0.1"\nmqtt_port = {port}\n')
            runs["prehab ha publish"] = lambda: cpu([*prehab, "ha", "publish"], env)
            runs["prehab ha publish (no day memo)"] = lambda: cpu(
                [*prehab, "ha", "publish"], unremembered(cache, env)
            )
        if not args.no_app:
            runs["one-widget Textual app, first frame"] = lambda: stamped(ONE_WIDGET, env, "DRAWN")
            runs["app: first prescription on screen"] = lambda: stamped(PREHAB_APP, env, "ADVICE")
            runs["app: first prescription (no day memo)"] = lambda: stamped(
                PREHAB_APP, unremembered(cache, env), "ADVICE"
            )
        times: dict[str, list[float]] = {name: [] for name in runs}
        try:
            for round_ in range(args.n + 1):
                for name, run in runs.items():
                    if args.cold:
                        shutil.rmtree(cache, ignore_errors=True)
                    took = run()
                    if round_:  # the first round warms bytecode, the OS cache and the pack cache
                        times[name].append(took)
        finally:
            if broker is not None:
                broker.stop(kill=True)
    engine = engine_ratio(max(3, args.n // 2))
    bare, widget = "python -c pass", "one-widget Textual app, first frame"
    cache_state = "cold" if args.cold else "warm"
    print(f"python {sys.version.split()[0]}, {args.n} interleaved rounds, pack cache {cache_state}")
    print("commands: CPU time (user + system); the apps: wall time to the frame")
    print(f"{'measurement':<40} {'median ms':>10} {'ratio':>7}  against")
    goals = {
        "prehab --help": 3.0,
        "prehab recommend --json --facts": 5.0,
        "prehab recommend --json (the day's plan)": 5.0,
        "prehab ha publish": 8.0,
    }
    for name, values in times.items():
        base = widget if name.startswith("app:") else bare
        ratios = [v / b for v, b in zip(values, times[base], strict=True)]
        ratio = statistics.median(ratios)
        goal = 1.3 if name.startswith("app:") else goals.get(name)
        verdict = (
            ""
            if goal is None or name == base
            else (f"  goal {goal}x: {'met' if ratio <= goal else 'MISSED'}")
        )
        against = "" if name == base else (base if name.startswith("app:") else "python -c pass")
        print(f"{name:<40} {statistics.median(values) * 1000:>10.1f} {ratio:>6.2f}x  {against}{verdict}")
    for peer, ours, theirs, ratio in engine:
        aim = "  goal 0.18x: " + ("met" if ratio <= 0.18 else "MISSED") if peer.startswith("experta") else ""
        print(
            f"{'engine run, one athlete (shipped pack)':<40} {ours:>10.3f} {ratio:>6.2f}x  "
            f"{peer} ({theirs:.3f} ms){aim}"
        )


if __name__ == "__main__":
    main()

"""The engine's acceptance of a pack, remembered (issue 21): a start that only reads the
committed plan builds no engine, and a refusal is never remembered.

Why: proving durable accepts the pack (compile + ``create_ruleset``) cost about 25 ms of every
``recommend``, ``done``, ``ha publish`` and app start, even when the day's plan was already
committed and nothing had to be evaluated.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from prehab.day.rules import choose_rulebook
from prehab.engine import cache, verdict
from prehab.engine.runner import EngineError
from prehab.rulebook import default_layers, load_rulebook, packcache

ROOT = Path(__file__).resolve().parents[2]


def shipped() -> list[Path]:
    return default_layers(include_user=False)


def test_an_accepted_pack_is_not_built_again_by_the_next_start() -> None:
    cache.clear()
    before = cache.builds()
    assert choose_rulebook(shipped()).book is not None
    assert cache.builds() == before + 1  # the first start proves it
    cache.clear()  # a new process: no engine in memory, only the cache folder
    choice = choose_rulebook(shipped())
    assert choice.book is not None and not choice.kept and choice.problems == []
    assert cache.builds() == before + 1


def test_a_refusal_is_proved_every_time_and_never_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    cache.clear()

    def refuse(self: object, book: object) -> None:
        raise EngineError("error 108")

    monkeypatch.setattr("prehab.engine.runner.Engine.__init__", refuse)
    for _ in range(2):
        choice = choose_rulebook(shipped(), fallback=False)
        assert choice.book is None and choice.kept
        assert any("the engine cannot run this rule pack" in p.message for p in choice.problems)
    book = load_rulebook(shipped()).rulebook
    assert book is not None
    key = verdict.verdict_key(book)
    assert key is not None and packcache.read_value(key) is None


def test_a_damaged_verdict_means_the_engine_proves_it_again() -> None:
    book = load_rulebook(shipped()).rulebook
    assert book is not None
    key = verdict.verdict_key(book)
    assert key is not None
    cache.clear()
    assert verdict.refusal(book) is None
    (entry,) = [p for p in packcache.cache_folder().glob("*.json") if p.name.startswith(key[:40])]
    head, _, body = entry.read_bytes().partition(b"\n")
    entry.write_bytes(head + b"\n" + body.replace(b"accepted", b"acceptex"))  # the checksum fails
    cache.clear()
    before = cache.builds()
    assert verdict.refusal(book) is None
    assert cache.builds() == before + 1
    assert packcache.read_value(key) == verdict.ACCEPTED  # proved, and remembered again


def test_the_key_follows_the_pack_and_the_durable_build(monkeypatch: pytest.MonkeyPatch) -> None:
    book = load_rulebook(shipped()).rulebook
    assert book is not None
    key = verdict.verdict_key(book)
    from prehab.record import replace

    assert verdict.verdict_key(replace(book, fingerprint="0" * 16)) != key
    real = os.stat

    def rebuilt(path: object, *args: object, **kwargs: object) -> os.stat_result:
        found = real(path, *args, **kwargs)  # type: ignore[arg-type]
        if "durable_rules_engine" in str(path):
            return os.stat_result((*found[:6], found[6] + 1, *found[7:]))  # another size
        return found

    monkeypatch.setattr(os, "stat", rebuilt)
    assert verdict.verdict_key(book) != key


def test_reading_a_committed_plan_loads_no_engine(tmp_path: Path) -> None:
    """``prehab recommend --json`` twice on the same history: the second only reads the plan
    the first committed, and imports neither the runner nor durable."""
    probe = (
        "import contextlib, io, json, sys\n"
        "from prehab.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    code = main(['recommend', '--json'])\n"
        "loaded = sorted(m for m in sys.modules if 'durable' in m or m == 'prehab.engine.runner')\n"
        "print(json.dumps({'code': code, 'loaded': loaded, 'plan': json.loads(out.getvalue())}))\n"
    )
    from prehab.store import Store

    with Store.open() as store:  # tight calves: the day has work in it
        store.add_checkin({}, [{"fact": "tightness", "region": "calves", "level": 6}])
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    runs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr[-2000:]
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    first, second = runs
    assert first["loaded"] and first["code"] == 0  # the first plans the day: the engine runs
    assert second["loaded"] == [] and second["code"] == 0
    assert second["plan"] == first["plan"] and second["plan"]["today"]

"""Shared fixtures: isolated config/data dirs and tiny rule packs written to tmp dirs."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.cli_support import Cli, run

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"

_SESSION_HOME: list[Path] = []
"""Where prehab's folders point while test modules are imported (a module may load the shipped
pack at import, before ``isolated_dirs`` runs): never the real cache, data or config folder.
Made by the hook, not at import: three test modules import this file again as ``tests.conftest``."""


def pytest_configure(config: pytest.Config) -> None:
    home = Path(tempfile.mkdtemp(prefix="prehab-tests-"))
    _SESSION_HOME.append(home)
    for name in ("PREHAB_CONFIG_DIR", "PREHAB_DATA_DIR", "PREHAB_CACHE_DIR"):
        os.environ[name] = str(home / name.lower())


def pytest_unconfigure(config: pytest.Config) -> None:
    while _SESSION_HOME:
        shutil.rmtree(_SESSION_HOME.pop(), ignore_errors=True)


MINI_EXERCISES = """
[exercise.calf-raise]
name = "Calf raise"
kind = "strength"
works = ["calves"]
plane = "sagittal"
equipment = ["step"]
dose = { sets = 3, reps = 15 }
minutes = 5
regression = "double-leg-calf-raise"

[exercise.double-leg-calf-raise]
name = "Double-leg calf raise"
kind = "strength"
works = ["calves"]
dose = { sets = 2, reps = 15 }
minutes = 4

[exercise.calf-stretch]
name = "Calf stretch"
kind = "mobility"
works = ["calves"]
dose = { sets = 2, hold_s = 30, per_side = true }
minutes = 3

[exercise.pigeon-pose]
name = "Pigeon pose"
kind = "mobility"
works = ["hip_rotators", "glutes"]
dose = { sets = 2, hold_s = 45, per_side = true }
minutes = 4

[exercise.side-plank]
name = "Side plank"
kind = "strength"
works = ["core"]
plane = "frontal"
dose = { sets = 3, hold_s = 30, per_side = true }
minutes = 4
"""


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test touches the real home: config, data and cache live in the test's tmp dir."""
    monkeypatch.setenv("PREHAB_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PREHAB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PREHAB_CACHE_DIR", str(tmp_path / "cache"))
    yield


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Activity dates become local dates; pin the zone so the expected days are fixed.
    A module takes it with ``pytestmark = pytest.mark.usefixtures("utc")``."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Any]:
    """A history database of the test's own, open for the test."""
    from prehab.store import Store

    with Store.open(tmp_path / "h.sqlite3") as s:
        yield s


@pytest.fixture
def make_pack(tmp_path: Path) -> Callable[..., Path]:
    """A complete pack folder: the shipped facts.toml, a mini catalogue and the given rules."""

    def make(rules: str, exercises: str = MINI_EXERCISES, name: str = "pack") -> Path:
        pack = tmp_path / name
        pack.mkdir(exist_ok=True)
        shutil.copy(RULES / "facts.toml", pack / "facts.toml")
        (pack / "exercises.toml").write_text(textwrap.dedent(exercises), encoding="utf-8")
        (pack / "rules.toml").write_text(textwrap.dedent(rules), encoding="utf-8")
        return pack

    return make


@pytest.fixture
def app_on_pack() -> Iterator[Callable[..., Any]]:
    """Builds the TUI app on a pack (plus the user's rules) as of 2026-11-26, loaded up front so
    no loading thread runs and every picture is the same; closes each app's store afterwards."""
    from datetime import date

    from prehab.paths import user_rules_dir
    from prehab.tui.app import PrehabApp
    from prehab.tui.state import AppState

    made: list[PrehabApp] = []

    def make(pack: Path, **kwargs: Any) -> PrehabApp:
        state = AppState(rule_layers=[pack, user_rules_dir()], today_fixed=date(2026, 11, 26))
        state.open()
        kwargs.setdefault("onboarding", False)
        app = PrehabApp(state, watch=False, **kwargs)
        made.append(app)
        return app

    yield make
    for app in made:
        app.state.close()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the day was read the slow way (the rules loaded), one entry each: the
    day memo's tests count what it spared."""
    from prehab.day.service import DayService

    reads: list[int] = []
    real = DayService.reload

    def reload(self: DayService) -> Any:
        reads.append(1)
        return real(self)

    monkeypatch.setattr(DayService, "reload", reload)
    return reads


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """``prehab`` run in the test's process: ``code, out, err = cli("done", "1")`` (never a traceback)."""
    return functools.partial(run, capsys)

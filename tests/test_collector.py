"""The garbage collector is held while a ``prehab`` process starts and let go by whatever runs
on (the app once its first prescription is drawn, ``serve``, ``ha run``, ``import``); calling
``main`` directly never holds it."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.cli_support import Cli
from tests.tui_support import until
from textual.widgets import OptionList

from prehab import collector
from prehab.store import Settings, save_settings
from prehab.tui.app import PrehabApp

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def collector_as_found() -> Iterator[None]:
    """Every test starts with the collector on and nothing frozen, and leaves it so."""
    gc.unfreeze()
    assert gc.isenabled()
    yield
    collector.release()
    gc.enable()
    gc.unfreeze()


def test_hold_stops_collection_and_release_freezes_the_start_and_collects_again() -> None:
    collector.hold()
    assert not gc.isenabled() and collector.held()
    made_at_start = [object() for _ in range(10)]
    collector.release()
    assert gc.isenabled() and not collector.held()
    assert gc.get_freeze_count() > len(made_at_start)
    collector.release()  # twice is once
    assert gc.isenabled()


def test_release_without_hold_changes_nothing() -> None:
    collector.release()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_collector_someone_else_turned_off_stays_theirs() -> None:
    gc.disable()  # Textual does this while it scrolls (PAUSE_GC_ON_SCROLL)
    collector.hold()
    collector.release()
    assert not gc.isenabled() and gc.get_freeze_count() == 0


def _in_a_prehab_process(start: str) -> str:
    """What ``main`` sees of the collector when ``start`` runs it in a new process."""
    code = (
        "import gc, runpy, sys\n"
        "import prehab.cli\n"
        "prehab.cli.main = lambda: print('collecting' if gc.isenabled() else 'held') or 0\n"
        f"{start}\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_prehab_script_holds_the_collector_while_a_command_starts() -> None:
    assert _in_a_prehab_process("prehab.cli.run()") == "held"
    assert _in_a_prehab_process("runpy.run_module('prehab', run_name='__main__')") == "held"  # python -m


def test_the_prehab_script_freezes_what_it_made_before_python_shuts_down() -> None:
    """Python's last collection at shut-down walks nothing the command made (``leave``); what
    the command printed and its exit code still arrive, and ``atexit`` still runs."""
    code = (
        "import atexit, gc, sys\n"
        "import prehab.cli\n"
        "made = [[i] for i in range(1000)]\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() >= 1000, file=sys.stderr))\n"
        "prehab.cli.main = lambda: sys.stdout.write('planned') and 3\n"
        "prehab.cli.run()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (3, "planned", "frozen True\n")


def test_main_called_directly_never_holds_it(cli: Cli) -> None:
    assert cli("recommend", "--json", "--facts", "examples/runner.toml")[0] == 0
    assert gc.isenabled() and not collector.held()


def test_import_lets_go_before_it_reads_the_files(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    import prehab.imports

    real = prehab.imports.import_paths

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(prehab.imports, "import_paths", spy)
    collector.hold()
    assert cli("import", str(FIXTURES / "run.gpx"))[0] == 0
    assert seen == [True]


def test_serve_lets_go_before_it_serves(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.web.test_serve_security import free_port

    seen: list[bool] = []

    class Server:
        def serve(self) -> None:
            seen.append(gc.isenabled())

    monkeypatch.setattr("prehab.web.serve.make_server", lambda command, guard: Server())
    collector.hold()
    assert cli("serve", "--port", str(free_port()))[0] == 0
    assert seen == [True]


def test_the_home_assistant_bridge_lets_go_before_it_runs(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from prehab.integrations.ha import bridge

    seen: list[bool] = []
    monkeypatch.setattr(bridge.Runner, "run", lambda self: seen.append(gc.isenabled()))
    save_settings(Settings(mqtt_host="127.0.0.1", mqtt_port=1))
    collector.hold()
    assert cli("ha", "run")[0] == 0
    assert seen == [True]


def test_the_app_lets_go_once_its_first_prescription_is_drawn(cli: Cli) -> None:
    assert cli("checkin", "--screen", "body-map", "--set", "tight_calves=6")[0] == 0
    seen: dict[str, Any] = {}

    class Watched(PrehabApp):
        def _loaded(self, state: Any) -> None:
            super()._loaded(state)  # Today is drawn in here; the frame showing it comes after
            seen["held while drawing"] = collector.held()

    async def scenario() -> None:
        app = Watched(watch=False, onboarding=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            assert await until(pilot, lambda: not collector.held())
            listing = app.screen.query_one("#today-list", OptionList)
            seen["lines"] = [str(o.prompt) for o in listing.options]
            await app.workers.wait_for_complete()
            app.state.close()

    collector.hold()
    asyncio.run(scenario())
    assert seen["held while drawing"] is True
    assert any("Calf" in line for line in seen["lines"]), seen["lines"]
    assert gc.isenabled() and gc.get_freeze_count() > 0

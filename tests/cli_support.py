"""Running ``prehab`` in the test's process, as the CLI tests do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from prehab.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``prehab *argv``: exit code, stdout, stderr; never a traceback."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def log_easy_runs(capsys: pytest.CaptureFixture[str], *days_ago: int) -> None:
    """``prehab log`` an 8 km easy run on each of ``days_ago`` (days before today)."""
    for days in days_ago:
        day = (date.today() - timedelta(days)).isoformat()
        assert run(capsys, "log", "--kind", "easy", "--distance", "8", "--date", day)[0] == 0


Cli = Callable[..., tuple[int, str, str]]
"""The ``cli`` fixture (conftest.py): ``cli("recommend", "--json")`` is ``run(capsys, ...)``."""

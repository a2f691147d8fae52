"""Running ``prehab`` in the test's process, as the CLI tests do."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from prehab.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``prehab *argv``: exit code, stdout, stderr; never a traceback."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


Cli = Callable[..., tuple[int, str, str]]
"""The ``cli`` fixture (conftest.py): ``cli("recommend", "--json")`` is ``run(capsys, ...)``."""

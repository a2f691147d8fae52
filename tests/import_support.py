"""What the import tests share: the fixture files, the generators beside them and a FIT writer.

The ``utc`` and ``store`` fixtures they use are in conftest.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path
from types import ModuleType

FIX = Path(__file__).resolve().parent / "fixtures"
I11 = FIX / "issue11"


def load_module(path: Path) -> ModuleType:
    """A generator script beside the fixtures (``make_fit.py``, ``issue11/make.py``), as a module."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_fit = load_module(FIX / "make_fit.py")


def fit_run(tmp_path: Path, name: str, start: datetime, metres: float, seconds: float) -> Path:
    """A FIT file of one run, ``tmp_path / name``."""
    path = tmp_path / name
    path.write_bytes(make_fit.fit_bytes(start, "running", "generic", metres, seconds))
    return path

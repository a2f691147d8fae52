"""Names a package imports from its modules when they are first asked for (PEP 562).

Why: importing any module of a package runs its ``__init__`` first. ``prehab.rulebook``,
``prehab.store`` and ``prehab.questionnaire`` re-export their main names for callers, and doing
that eagerly made the day memo's quick read (which needs one light module of each) import the
rule loader, the ``Store`` with its repositories and the settings.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def names_from(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """``package``'s module ``__getattr__``: each name of ``where`` imported from the module it
    maps to when first asked for, then kept in the package, so it is looked up once."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__

"""TOML rule files in, a validated and cross-checked rulebook out (no engine import here).

Every name here is imported when it is first asked for: importing any module of this package
(``prehab.rulebook.packcache``, the cache folder's codec, for the day memo) runs this file
first, and a one-shot command answered by the day memo needs neither the model nor a load.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prehab.rulebook.loader import LoadResult, default_layers, load_rulebook
    from prehab.rulebook.model import Exercise, Rule, Rulebook

__all__ = ["Exercise", "LoadResult", "Rule", "Rulebook", "default_layers", "load_rulebook"]

_WHERE = {
    "Exercise": "model",
    "Rule": "model",
    "Rulebook": "model",
    "LoadResult": "loader",
    "default_layers": "loader",
    "load_rulebook": "loader",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"prehab.rulebook.{where}"), name)

"""TOML rule files in, a validated and cross-checked rulebook out (no engine import here).

Every name here is imported when it is first asked for: importing any module of this package
(``prehab.rulebook.packcache``, the cache folder's codec, for the day memo) runs this file
first, and a one-shot command answered by the day memo needs neither the model nor a load.
"""

from typing import TYPE_CHECKING

from prehab.lazy import names_from

if TYPE_CHECKING:
    from prehab.rulebook.loader import LoadResult, default_layers, load_rulebook
    from prehab.rulebook.model import Exercise, Rule, Rulebook

__all__ = ["Exercise", "LoadResult", "Rule", "Rulebook", "default_layers", "load_rulebook"]

__getattr__ = names_from(
    __name__,
    {
        "Exercise": "prehab.rulebook.model",
        "Rule": "prehab.rulebook.model",
        "Rulebook": "prehab.rulebook.model",
        "LoadResult": "prehab.rulebook.loader",
        "default_layers": "prehab.rulebook.loader",
        "load_rulebook": "prehab.rulebook.loader",
    },
)

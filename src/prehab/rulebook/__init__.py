"""TOML rule files in, a validated and cross-checked rulebook out (no engine import here)."""

from prehab.rulebook.loader import LoadResult, default_layers, load_rulebook
from prehab.rulebook.model import Exercise, Rule, Rulebook

__all__ = ["Exercise", "LoadResult", "Rule", "Rulebook", "default_layers", "load_rulebook"]

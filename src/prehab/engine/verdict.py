"""Whether durable accepts a rule pack, remembered in the cache folder beside the pack.

Why: every surface that opens the day (``recommend``, ``done``, ``ha publish``, the app) must
know the engine can run the pack before it trusts it, and proving it means compiling the pack
and creating a durable ruleset: about 25 ms, more than the rest of reading a committed plan.
The answer depends only on the pack's files (its fingerprint), the code that compiles it and
the durable build, so a pack accepted once is accepted again: the acceptance is stored under a
key made of exactly those, with the pack cache's safety (``rulebook.packcache``: a damaged,
foreign or unreadable entry is a miss, never a wrong answer).

Only acceptance is stored. A refusal is proved again on every load, so its problem is always
the engine's own words; ``prehab rules check`` always proves (``engine.cache.engine_problem``).
When the plan has to be computed, the engine is built anyway and the check costs nothing more.
"""

from __future__ import annotations

import importlib.util
import os
from typing import TYPE_CHECKING

from prehab.digest import sha256

if TYPE_CHECKING:
    from prehab.model import Problem
    from prehab.rulebook.model import Rulebook

ACCEPTED = {"engine": "accepted"}
"""What is stored under a verdict key (the codec stores tables, not bare text)."""


def refusal(book: Rulebook) -> Problem | None:
    """Why the engine cannot run ``book`` (``engine_problem``), or None: from the cache when
    this pack was accepted before by this code and this durable build."""
    from prehab.rulebook import packcache

    key = verdict_key(book)
    if key is not None and packcache.read_value(key) == ACCEPTED:
        return None
    from prehab.engine.cache import engine_problem

    refused = engine_problem(book)
    if refused is None and key is not None:
        packcache.write_value(key, ACCEPTED)
    return refused


def verdict_key(book: Rulebook) -> str | None:
    """The cache key of ``book``'s verdict, or None when the durable build cannot be found
    (then nothing is cached and the engine always proves it)."""
    from prehab.rulebook import packcache

    spec = importlib.util.find_spec("durable_rules_engine")
    if spec is None or not spec.origin:
        return None
    try:
        built = os.stat(spec.origin)
    except OSError:
        return None
    durable = f"{spec.origin}\0{built.st_size}\0{built.st_mtime_ns}"
    digest = sha256(f"engine-verdict\0{durable}\0{book.fingerprint}".encode()).hexdigest()
    return packcache.key([], 0, extra=digest)

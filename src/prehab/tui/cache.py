"""A start-up cache of the loaded rulebook (no Textual here).

Why: parsing and checking the pack (TOML parsing, line lookup for every entry) takes
about a quarter of a second, half the start-up budget, and the files rarely change
between two starts. The cache is keyed by the size and modification time of every rule
file and of the rulebook code, so any edit (or an upgrade) misses it and reloads for
real. It lives in the data directory, next to the history, and is only ever read by
this program; a cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path

from prehab.rulebook import LoadResult, load_rulebook

CACHE_NAME = "rulebook.pickle"


def _code_files() -> list[Path]:
    import prehab.model
    import prehab.rulebook

    folder = Path(prehab.rulebook.__file__).parent
    return [Path(prehab.model.__file__), *sorted(folder.glob("*.py"))]


def cache_key(layers: list[Path]) -> str:
    """Size and mtime of every file the result depends on, hashed."""
    digest = hashlib.sha256()
    files: list[Path] = list(_code_files())
    for layer in layers:
        if layer.is_file():
            files.append(layer)
        elif layer.is_dir():
            files += sorted(layer.glob("*.toml"))
        digest.update(f"layer:{layer}\n".encode())
    for path in files:
        try:
            st = path.stat()
        except OSError:
            continue
        digest.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def cache_file() -> Path:
    from prehab.paths import data_dir

    return data_dir() / "cache" / CACHE_NAME


def load_rulebook_cached(layers: list[Path]) -> LoadResult:
    """``load_rulebook(layers)``, from the cache when nothing changed since it was written."""
    key = cache_key(layers)
    path = cache_file()
    with contextlib.suppress(Exception):  # a stale, foreign or broken cache is just a miss
        with path.open("rb") as handle:
            stored_key, result = pickle.load(handle)
        if stored_key == key and isinstance(result, LoadResult):
            return result
    result = load_rulebook(layers)
    if result.rulebook is not None:
        _write(path, key, result)
    return result


def _write(path: Path, key: str, result: LoadResult) -> None:
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump((key, result), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

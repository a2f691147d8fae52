"""SHA-256 for prehab's keys and checks, without loading OpenSSL on every start.

``hashlib`` links OpenSSL's libcrypto when it is first imported: about 2 ms of a ``prehab``
command that hashes a few hundred kilobytes (the pack cache's key and payload check, the day
memo's key). CPython ships its own SHA-256 as a small extension module (``_sha2`` from 3.12,
``_sha256`` before), which gives the same digests; ``hashlib`` is used where neither exists.
"""

from __future__ import annotations

from importlib import import_module
from typing import Protocol


class Hash(Protocol):
    """What prehab uses of a hash object."""

    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


class Hasher(Protocol):
    """``hashlib.sha256``'s shape: made empty or from bytes."""

    def __call__(self, data: bytes = ..., /) -> Hash: ...


def _find_sha256() -> Hasher:
    for name in ("_sha2", "_sha256"):
        try:
            found: Hasher = import_module(name).sha256
        except (ImportError, AttributeError):
            continue
        return found
    from hashlib import sha256

    return sha256


sha256 = _find_sha256()
"""``hashlib.sha256``'s equal: ``sha256(data).hexdigest()``, ``update``."""

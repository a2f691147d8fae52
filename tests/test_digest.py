"""prehab's SHA-256 (``prehab.digest``) gives hashlib's digests, with or without CPython's own
module: a key made by one install is the key another makes."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from prehab import digest


@pytest.mark.parametrize("data", [b"", b"prehab", bytes(range(256)) * 300])
def test_the_digest_is_hashlibs(data: bytes) -> None:
    assert digest.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    grown = digest.sha256()
    grown.update(data[:7])
    grown.update(data[7:])
    assert grown.hexdigest() == hashlib.sha256(data).hexdigest()


def test_without_cpythons_module_hashlib_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> Any:
        raise ImportError(name)

    monkeypatch.setattr(digest, "import_module", missing)
    assert digest._find_sha256() is hashlib.sha256

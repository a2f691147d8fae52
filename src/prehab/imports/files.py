"""GPX, TCX and FIT activity files to sessions: which parser, and the stream it reads.

The parsers are ``gpx``, ``tcx`` and ``fit`` (its fast path ``fitwalk``); what they share (the
``Found`` they give, the session they build, legs of a multisport file) is ``parsed``.
"""

from __future__ import annotations

import gzip
from typing import BinaryIO, cast

from prehab.imports.errors import ImportFailed
from prehab.imports.limits import MAX_ACTIVITY_BYTES, Budget, Readable, capped
from prehab.imports.parsed import Found, describe, start_id

__all__ = [
    "ACTIVITY",
    "Found",
    "activity_format",
    "describe",
    "parse_activity",
    "parse_activity_stream",
    "start_id",
]

ACTIVITY_SUFFIXES = (".gpx", ".tcx", ".fit")

ACTIVITY = "an activity file"


def activity_format(name: str) -> str | None:
    """ "gpx", "tcx" or "fit" for a file name (``.gz`` allowed), else None."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    for suffix in ACTIVITY_SUFFIXES:
        if lower.endswith(suffix):
            return suffix[1:]
    return None


def parse_activity(name: str, data: bytes) -> list[Found]:
    """The sessions in one activity file held in memory; raises ImportFailed with the reason."""
    import io

    return parse_activity_stream(name, io.BytesIO(data), len(data))


def parse_activity_stream(name: str, raw: Readable, packed: int, budget: Budget | None = None) -> list[Found]:
    """The sessions in one activity file read from ``raw`` (``packed`` bytes: a file's size, or a
    zip member's), streamed and capped (:mod:`prehab.imports.limits`); raises ImportFailed."""
    fmt = activity_format(name)
    if fmt is None:
        raise ImportFailed("not a GPX, TCX or FIT file (by its name); rename it if it is one")
    with open_activity(name, raw, packed, budget) as stream:
        if fmt == "gpx":
            from prehab.imports.gpx import parse_gpx

            return parse_gpx(stream)
        if fmt == "tcx":
            from prehab.imports.tcx import parse_tcx

            return parse_tcx(stream)
        from prehab.imports.fit import parse_fit

        return parse_fit(stream)


def open_activity(name: str, raw: Readable, packed: int, budget: Budget | None = None) -> BinaryIO:
    """The content of an activity file, un-gzipped when its name ends in ``.gz``, as a stream
    that refuses to go past ``MAX_ACTIVITY_BYTES`` (or, for a .gz, the compression-ratio cap)."""
    if name.lower().endswith(".gz"):
        gz = gzip.GzipFile(fileobj=cast(BinaryIO, raw), mode="rb")  # read straight through: no seek
        return capped(gz, MAX_ACTIVITY_BYTES, ACTIVITY, packed, budget, damaged="the .gz is damaged")
    return capped(raw, MAX_ACTIVITY_BYTES, ACTIVITY, budget=budget)

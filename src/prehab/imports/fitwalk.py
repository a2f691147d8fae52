"""The FIT fast path: session summaries read from the message stream, records skipped unread.

A FIT file (Garmin's FIT protocol) is a header, a stream of messages and a CRC-16. Each data
message's size is fixed by the definition message of its local type, so a walk needs only the
one header byte of each message to step over it: the thousands of per-second ``record``
messages are skipped, never decoded. The session messages (global number 18) are unpacked, and
their fields named and scaled exactly as fitdecode does (its profile gives the enum names).

:func:`summaries` returns None (the caller then runs the full decode) whenever it cannot vouch
for its answer: a bad CRC or header, a stream that does not end where the header says, a
message of an undefined local type, a session field of an unexpected size or base type, an
enum value the profile does not name, a start time that is no date, a session without its
distance or duration, or no session message at all. It never raises on bytes it is given: a
read past the end (``IndexError``, ``struct.error``) is doubt like any other.

The CRC is the FIT one (CRC-16, polynomial 0x8005 reflected, as in the SDK), taken two bytes
per step through a 65,536-entry table (built once, about 40 ms): a quarter of the time of the
byte-at-a-time loop fitdecode uses, and the bulk of the fast path's own time.
"""

from __future__ import annotations

import struct
import sys
from array import array
from datetime import datetime
from functools import cache

from prehab.imports.fit import Summary, fit_time
from prehab.record import Record

SESSION = 18

_WANTED: dict[int, tuple[str, int, int, int]] = {
    2: ("start_time", 0x86, 4, 1),
    5: ("sport", 0x00, 1, 1),
    6: ("sub_sport", 0x00, 1, 1),
    7: ("total_elapsed_time", 0x86, 4, 1000),
    8: ("total_timer_time", 0x86, 4, 1000),
    9: ("total_distance", 0x86, 4, 100),
}
"""Session field number -> (name, base type, size, scale), as the FIT profile defines them."""


@cache
def _byte_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


@cache
def _word_table() -> list[int]:
    """The CRC register after 16 bits, for each value of register XOR word (two steps in one)."""
    t = _byte_table()
    return [(t[x & 0xFF] >> 8) ^ t[((x >> 8) ^ t[x & 0xFF]) & 0xFF] for x in range(65536)]


def crc16(data: bytes | memoryview, crc: int = 0) -> int:
    """The FIT CRC-16 of ``data`` (0 over a file and its own CRC when it is intact)."""
    view = memoryview(data).cast("B")
    even = len(view) & ~1
    words = array("H", view[:even].tobytes())
    if sys.byteorder == "big":
        words.byteswap()
    table = _word_table()
    for word in words:
        crc = table[crc ^ word]
    crc = int(crc)
    if even < len(view):
        bt = _byte_table()
        crc = (crc >> 8) ^ bt[(crc ^ view[even]) & 0xFF]
    return crc


@cache
def _enums() -> tuple[dict[int, str], dict[int, str]]:
    """The FIT profile's names for ``sport`` and ``sub_sport`` (fitdecode's, so both paths agree)."""
    from fitdecode import profile

    sport: dict[int, str] = profile.FIELD_TYPES["sport"].enum
    sub: dict[int, str] = profile.FIELD_TYPES["sub_sport"].enum
    return sport, sub


class _Definition(Record):
    """A local message type: its global number, data size and where the session fields are."""

    global_num: int
    size: int
    fields: list[tuple[str, int, str, int]]
    """(name, offset, struct format, scale) of the session fields this definition carries."""


class _Unsure(Exception):
    """The walk met something it does not vouch for: take the full decode."""


def summaries(data: bytes) -> list[Summary] | None:
    """The session summaries of a FIT file (chained files too), or None: run the full decode."""
    try:
        out: list[Summary] = []
        at = 0
        while at < len(data):
            at = _file(data, at, out)
        return out or None
    except (_Unsure, struct.error, IndexError):
        return None


def damaged(data: bytes) -> str | None:
    """What is wrong with the file's framing or checksum (each file of a chain), or None."""
    at = 0
    while at < len(data):
        size = data[at]
        if size not in (12, 14) or at + size > len(data) or data[at + 8 : at + 12] != b".FIT":
            return (
                "a FIT header is missing or damaged" if at == 0 else None
            )  # trailing bytes: fitdecode's call
        (body,) = struct.unpack_from("<I", data, at + 4)
        end: int = at + size + body
        if end + 2 > len(data):
            return f"it is cut short ({len(data):,} of {end + 2:,} bytes)"
        if crc16(memoryview(data)[at : end + 2]) != 0:
            return "its checksum does not match its content"
        at = end + 2
    return None


def _file(data: bytes, at: int, out: list[Summary]) -> int:
    """Walk one FIT file starting at ``at``; its sessions go to ``out``; returns where it ends."""
    size = data[at]
    if size not in (12, 14) or at + size > len(data) or data[at + 8 : at + 12] != b".FIT":
        raise _Unsure
    (body,) = struct.unpack_from("<I", data, at + 4)
    end: int = at + size + body
    if body == 0 or end + 2 > len(data):
        raise _Unsure
    if size == 14:
        (header_crc,) = struct.unpack_from("<H", data, at + 12)
        if header_crc and header_crc != crc16(memoryview(data)[at : at + 12]):
            raise _Unsure
    if crc16(memoryview(data)[at : end + 2]) != 0:
        raise _Unsure
    _walk(data, at + size, end, out)
    return end + 2


def _walk(data: bytes, i: int, end: int, out: list[Summary]) -> None:
    """Step over every message from ``i`` to ``end``, unpacking the session messages."""
    local: dict[int, _Definition] = {}
    while i < end:
        header = data[i]
        i += 1
        if header & 0x80:  # compressed timestamp: a data message of local type in bits 5-6
            definition = local.get((header >> 5) & 0x03)
        elif header & 0x40:
            i = _define(data, i, header, local)
            continue
        else:
            definition = local.get(header & 0x0F)
        if definition is None or i + definition.size > end:
            raise _Unsure
        if definition.global_num == SESSION:
            out.append(_session(data, i, definition))
        i += definition.size
    if i != end:
        raise _Unsure


def _define(data: bytes, i: int, header: int, local: dict[int, _Definition]) -> int:
    """Read a definition message at ``i``; returns where the next message starts."""
    endian = "<" if data[i + 1] == 0 else ">"
    (global_num,) = struct.unpack_from(endian + "H", data, i + 2)
    count = data[i + 4]
    i += 5
    size = 0
    fields: list[tuple[str, int, str, int]] = []
    for _ in range(count):
        number, width, base = data[i], data[i + 1], data[i + 2]
        i += 3
        if global_num == SESSION and number in _WANTED:
            name, want_base, want_width, scale = _WANTED[number]
            if (base & 0x1F) != (want_base & 0x1F) or width != want_width:
                raise _Unsure
            fields.append((name, size, endian + ("B" if width == 1 else "I"), scale))
        size += width
    if header & 0x20:  # developer fields: only their sizes matter here
        extra = data[i]
        i += 1
        for _ in range(extra):
            size += data[i + 1]
            i += 3
    local[header & 0x0F] = _Definition(global_num, size, fields)
    return i


def _session(data: bytes, i: int, definition: _Definition) -> Summary:
    values: dict[str, int | None] = dict.fromkeys(n for n, *_ in _WANTED.values())
    for name, offset, fmt, _scale in definition.fields:
        (raw,) = struct.unpack_from(fmt, data, i + offset)
        values[name] = None if raw == (0xFF if fmt.endswith("B") else 0xFFFFFFFF) else raw
    start_raw = values["start_time"]
    start: datetime | None = fit_time(start_raw)
    if start is None:
        raise _Unsure  # no date: the full decode says so the way it always has
    sports, subs = _enums()
    sport, sub = values["sport"], values["sub_sport"]
    if (sport is not None and sport not in sports) or (sub is not None and sub not in subs):
        raise _Unsure
    scales = {name: scale for name, _, _, scale in _WANTED.values()}

    def scaled(name: str) -> float | None:
        raw = values[name]
        return None if raw is None else raw / scales[name]

    if values["total_distance"] is None or values["total_timer_time"] is values["total_elapsed_time"] is None:
        raise _Unsure  # a summary without its totals: the full decode takes them from the laps
    return Summary(
        start,
        None if sport is None else sports[sport],
        None if sub is None else subs[sub],
        scaled("total_distance"),
        scaled("total_timer_time"),
        scaled("total_elapsed_time"),
    )

"""What the import tests share: the fixture files, the generators beside them and a FIT writer.

The ``utc`` and ``store`` fixtures they use are in conftest.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path
from types import ModuleType

FIX = Path(__file__).resolve().parent / "fixtures"
I11 = FIX / "issue11"


def load_module(path: Path) -> ModuleType:
    """A generator script beside the fixtures (``make_fit.py``, ``issue11/make.py``), as a module."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_fit = load_module(FIX / "make_fit.py")


def fit_run(tmp_path: Path, name: str, start: datetime, metres: float, seconds: float) -> Path:
    """A FIT file of one run, ``tmp_path / name``."""
    path = tmp_path / name
    path.write_bytes(make_fit.fit_bytes(start, "running", "generic", metres, seconds))
    return path


def fit_codes() -> tuple[dict[str, int], dict[str, int]]:
    """FIT sport and sub-sport numbers by name, from the profile fitdecode carries."""
    from fitdecode import profile

    sports = {name: num for num, name in profile.FIELD_TYPES["sport"].enum.items()}
    subs = {name: num for num, name in profile.FIELD_TYPES["sub_sport"].enum.items()}
    return sports, subs


Leg = tuple[datetime, str, str, float, float]
"""(start, sport, sub-sport, metres, seconds) of one session of a FIT file."""


def fit_file(
    legs: list[Leg], sessions: bool = True, laps: bool = True, records: int = 0, totals: bool = True
) -> bytes:
    """A FIT activity of several legs: per leg ``records`` record messages (one a second), a
    lap and a session message; ``sessions``/``laps`` False leave those out (a recording that
    was never saved properly), ``totals`` False leaves the session's distance and times out."""
    import struct

    m = make_fit
    sports, subs = fit_codes()
    start0 = m._fit_time(legs[0][0])
    body = m._message(0, 0, [(0, m.ENUM, 4), (1, m.UINT16, 1), (3, m.UINT32Z, 7), (4, m.UINT32, start0)])
    body += struct.pack("<BBBHB", 0x40 | 2, 0, 0, 20, 2) + struct.pack("<BBBBBB", 253, 4, 0x86, 5, 4, 0x86)
    for start, sport, sub, metres, seconds in legs:
        t = m._fit_time(start)
        for second in range(records):
            body += struct.pack("<BII", 2, t + second, int(metres * 100 * second / max(records - 1, 1)))
        summary = [(253, m.UINT32, t + int(seconds)), (2, m.UINT32, t), (7, m.UINT32, int(seconds * 1000)),
                   (8, m.UINT32, int(seconds * 1000)), (9, m.UINT32, int(metres * 100))]  # fmt: skip
        if laps:
            body += m._message(3, 19, [*summary, (25, m.ENUM, sports[sport])])
        if sessions:
            kept = summary if totals else summary[:2]
            body += m._message(1, 18, [*kept, (5, m.ENUM, sports[sport]), (6, m.ENUM, subs[sub])])
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", m.crc16(header))
    data = bytes(header + body)
    return data + struct.pack("<H", int(m.crc16(data)))

"""The settings file: settings.toml, a small TOML file the runner may also edit by hand.

Reading never fails: a bad file or a bad value (even a 5,000-digit number or a FIFO named
settings.toml) becomes a Problem with the file, the line and a fix, and the default for that
value is kept. Saving respects the file as its owner wrote it: only the lines of
the changed keys are rewritten (a missing key is added), so comments and layout stay; if that
cannot be done safely, nothing is written and the error says so. Writing is atomic (temp file,
fsync, replace, through a symlink to its target, the file's mode kept) so a crash mid-save
leaves the old file, never half a file.

Each value in the file is judged by the same validator as a typed one
(``settings.values.check_value``), so the file, ``prehab settings set`` and the app's Settings
screen accept the same values with the same messages and fixes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from prehab.model import Problem
from prehab.record import fields
from prehab.safe.files import FileRefused, write_target
from prehab.safe.files import atomic_write as _atomic_write
from prehab.safe.toml import TomlError, parse_toml, read_text, scan_lines
from prehab.settings.model import ANY_KIT, NO_KIT, Settings, setting_keys
from prehab.settings.spec import SettingError
from prehab.settings.values import check_value, unknown_key_fix


def _default_path(path: Path | None) -> Path:
    if path is not None:
        return Path(path)
    from prehab.paths import settings_file

    return settings_file()


def load_settings(path: Path | None = None) -> tuple[Settings, list[Problem]]:
    """The settings in ``path`` (defaults where missing or wrong) and every problem found."""
    path = _default_path(path)
    settings = Settings()
    try:
        os.lstat(path)
    except FileNotFoundError:
        return settings, []
    except OSError:
        pass  # e.g. no permission on a folder on the way: read_text says so
    try:
        text = read_text(path)
        data = parse_toml(text, str(path))
    except TomlError as exc:
        return settings, [_file_problem(path, exc)]
    problems: list[Problem] = []
    known = setting_keys()
    for key, value in data.items():
        line = _line_of(text, key)
        if key not in known:
            problems.append(
                Problem(
                    str(path),
                    line,
                    key,
                    "unknown setting",
                    unknown_key_fix(key, in_file=True),
                    "warning",
                )
            )
            continue
        try:
            setattr(settings, key, check_value(key, value))
        except SettingError as exc:
            problems.append(Problem(str(path), line, key, exc.message, exc.fix))
    return settings, problems


def _line_of(text: str, key: str) -> int | None:
    """The line a top-level key is set on (tomllib gives lines only for syntax errors)."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """The TOML shape of ``settings`` (unset values left out: TOML has no null)."""
    out: dict[str, Any] = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if value is not None:
            out[f.name] = _file_value(f.name, value)
    return out


def _file_value(key: str, value: Any) -> Any:
    """A setting as the file keeps it: equipment reads ``"any"`` or ``"none"`` there, not ``[]``."""
    if key == "equipment" and value in ([], [NO_KIT]):
        return ANY_KIT if value == [] else NO_KIT
    return value


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write ``settings`` atomically: the file is the old one or the new one, never half.

    An existing file keeps its comments and layout: only the lines of keys whose value
    changes are rewritten, a key that is missing is added, a cleared one (no goal race date)
    removed. FileRefused (an OSError and a UserError) if the file is not a regular file, cannot
    be read, is not valid TOML, or cannot be edited that way; nothing is written then.
    """
    import tomli_w  # writing only: every command reads the settings, few write them

    path = _default_path(path)
    _, existing = write_target(path)
    if existing is None:
        atomic_write(path, tomli_w.dumps(settings_to_dict(settings)).encode("utf-8"))
        return
    try:
        text = read_text(path)
    except TomlError as exc:
        raise FileRefused(path, exc.problem.message, "check the file and its permissions") from None
    new_text = settings_text(text, settings, str(path))
    if new_text != text:
        atomic_write(path, new_text.encode("utf-8"))


def atomic_write(path: Path, data: bytes, make_parents: bool = True) -> None:
    """Replace ``path`` with ``data`` via a synced temp file next to the real file (see
    ``prehab.safe.files.atomic_write``: symlinks followed, mode kept, non-regular files refused)."""
    _atomic_write(path, data, make_parents)


def settings_text(text: str, settings: Settings, file: str = "settings.toml") -> str:
    """``text`` (a settings file) changed to hold ``settings``, touching only changed keys.

    FileRefused if ``text`` is not valid TOML or a key cannot be changed without disturbing
    the rest (say, it is set inside a table): the caller then writes nothing.
    """
    try:
        data = parse_toml(text, file)
    except TomlError as exc:
        raise FileRefused(
            file, f"cannot save: {exc.problem}", "fix the file first; saving would lose what is in it"
        ) from None
    defaults = Settings()
    lines = text.split("\n")
    for key in setting_keys():
        want = getattr(settings, key)
        if key in data:
            try:
                if check_value(key, data[key]) == want:
                    continue
            except SettingError:
                pass
        elif want is None or want == getattr(defaults, key):
            continue
        lines = _set_line(lines, key, _file_value(key, want), file)
    new_text = "\n".join(lines)
    _check_edit(data, new_text, settings, file)
    return new_text


def _set_line(lines: list[str], key: str, value: Any, file: str) -> list[str]:
    """``lines`` with ``key = value`` at the top level: the key's own lines replaced (a
    trailing comment kept), added after the last top-level key if missing, removed if None."""
    scans = scan_lines("\n".join(lines))
    raw_key = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
    code_key = re.compile(rf"""^\s*(?:{re.escape(key)}|"_"|'_')\s*=""")
    found: tuple[int, int] | None = None
    top_end = 0  # the line after the last top-level key/value
    depth = 0
    i = 0
    while i < len(lines):
        start, scan = i, scans[i]
        if scan.code.strip().startswith("["):
            break  # the first [table]: top-level keys all come before it
        depth = _brackets(scan.code, 0)
        while i + 1 < len(lines) and (depth > 0 or scans[i].in_string):  # a value over lines
            i += 1
            depth = _brackets(scans[i].code, depth)
        if "=" in scan.code:
            top_end = i + 1
            if raw_key.match(lines[start]) and code_key.match(scan.code):
                if found is not None:
                    raise _layout_error(file, key, value)
                found = (start, i)
        i += 1
    newline = "\r" if lines and lines[0].endswith("\r") else ""
    new = [] if value is None else [f"{key} = {_toml_value(value)}"]
    if found is None:
        if not new:
            return lines
        at = top_end or (len(lines) - 1 if lines[-1] == "" else len(lines))
        if at == len(lines) and lines[-1] != "":
            lines = [*lines[:-1], lines[-1] + newline]
        return lines[:at] + [new[0] + newline] + lines[at:]
    start, end = found
    first, last = lines[start], lines[end]
    indent = first[: len(first) - len(first.lstrip())]
    comment = scans[end].comment
    tail = last[len(last[:comment].rstrip()) :].rstrip("\r") if comment >= 0 else ""
    ending = "\r" if last.endswith("\r") else ""
    if new:
        new = [indent + new[0] + tail + ending]
    elif tail:
        new = [indent + tail.lstrip() + ending]  # the key goes, its comment stays
    return lines[:start] + new + lines[end + 1 :]


def _brackets(code: str, depth: int) -> int:
    for ch in code:
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth = max(0, depth - 1)
    return depth


def _toml_value(value: Any) -> str:
    """A setting's value as TOML on one line (lists inline)."""
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    import tomli_w

    return tomli_w.dumps({"v": value}).strip()[len("v = ") :]


def _check_edit(before: dict[str, Any], text: str, settings: Settings, file: str) -> None:
    """Refuse an edit that did not give exactly ``settings`` and every other key unchanged."""
    try:
        after = parse_toml(text, file)
    except TomlError:
        after = None
    ok = after is not None
    if after is not None:
        for key in setting_keys():
            want = getattr(settings, key)
            if key in after:
                try:
                    ok = ok and check_value(key, after[key]) == want
                except SettingError:
                    ok = False
            else:
                ok = ok and (want is None or want == getattr(Settings(), key))
        others = {k: v for k, v in before.items() if k not in setting_keys()}
        ok = ok and all(after.get(k) == v for k, v in others.items())
    if not ok:
        raise FileRefused(
            file,
            "cannot change the settings without losing its comments or layout",
            "edit the file by hand, or move it aside to let prehab write a new one",
        )


def _layout_error(file: str, key: str, value: Any) -> FileRefused:
    shown = "(remove the line)" if value is None else f"{key} = {_toml_value(value)}"
    return FileRefused(
        file,
        f"cannot change {key} without disturbing the rest of the file (its layout is unusual)",
        f"edit it by hand: {shown}",
    )


def _file_problem(path: Path, exc: TomlError) -> Problem:
    """The settings file cannot be used at all: the problem, with the settings' own fixes."""
    p = exc.problem
    if exc.kind == "read":
        fix = "check the file's permissions and that it is UTF-8 text"
        if ": it is " in p.message:  # a FIFO, a folder, a device, a dangling symlink
            fix = "make it a regular file, or remove it to use the defaults"
        return Problem(str(path), p.line, "", p.message.replace("the file", "the settings"), fix)
    message = f"not valid TOML: {exc.detail}" if exc.kind == "syntax" else p.message
    fix = "fix that line, or delete the file to start from the defaults"
    return Problem(str(path), p.line, "", message, fix)

"""Edits made from the app (enable/disable, a threshold, a dose) written to the user's TOML.

An edit is validated with the whole pack before anything is written, then written
atomically (temp file, fsync, rename), so a bad edit is refused with its reason and a
crash mid-write never leaves a half-written file in force.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import tomli_w

from prehab.model import Problem
from prehab.rulebook.loader import default_layers, load_rulebook
from prehab.safe.files import atomic_write
from prehab.safe.toml import TomlError, read_toml, toml_files

OVERRIDES_FILE = "overrides.toml"


def overrides_path() -> Path:
    from prehab.paths import user_rules_dir

    return user_rules_dir() / OVERRIDES_FILE


def _read(path: Path) -> dict[str, Any]:
    if not path.exists() and not path.is_symlink():
        return {}
    return read_toml(path)


def _entry(doc: dict[str, Any], rule_id: str) -> dict[str, Any]:
    items: list[dict[str, Any]] = doc.setdefault("override", [])
    for item in items:
        if item.get("id") == rule_id:
            return item
    item = {"id": rule_id}
    items.append(item)
    return item


def _validate(candidate: dict[str, Any], target: Path, base: Path | None) -> list[Problem]:
    """Problems the pack would have with ``candidate`` in place of ``target``'s contents."""
    with tempfile.TemporaryDirectory(prefix="prehab-edit-") as tmp:
        tmp_dir = Path(tmp)
        if target.parent.exists():
            for path in toml_files(target.parent, []):  # regular files only: never a FIFO
                shutil.copy(path, tmp_dir / path.name)
        (tmp_dir / target.name).write_text(tomli_w.dumps(candidate), encoding="utf-8")
        result = load_rulebook([base or default_layers(include_user=False)[0], tmp_dir])
        return [
            Problem(p.file.replace(str(tmp_dir), str(target.parent)), p.line, p.path, p.message, p.fix)
            for p in result.errors
        ]


def write_atomic(path: Path, text: str) -> None:
    """``prehab.safe.files.atomic_write`` for text: through symlinks, mode kept, all or nothing."""
    atomic_write(path, text.encode("utf-8"))


def _apply(rule_id: str, change: dict[str, Any], path: Path | None, base: Path | None) -> list[Problem]:
    target = path or overrides_path()
    try:
        doc = _read(target)
    except TomlError as exc:
        p = exc.problem
        why = f"cannot read your overrides: {p.message}"
        return [Problem(p.file, p.line, "", why, "fix or remove the file")]
    entry = _entry(doc, rule_id)
    if "enabled" in change:
        entry["enabled"] = change["enabled"]
    for dotted, value in change.get("set", {}).items():
        entry.setdefault("set", {})[dotted] = value
    problems = _validate(doc, target, base)
    if not problems:
        try:
            write_atomic(
                target,
                "# Written by prehab; edit freely (see rules/README.md, Overrides).\n" + tomli_w.dumps(doc),
            )
        except OSError as exc:
            why = f"cannot write your overrides: {exc.strerror or exc}"
            return [Problem(str(target), None, "", why, "check the file and its folder's permissions")]
    return problems


def set_enabled(
    rule_id: str, enabled: bool, path: Path | None = None, base: Path | None = None
) -> list[Problem]:
    """Switch a rule on or off in the user's overrides; [] when written. ``base`` is the pack the
    overrides lay over (default: the shipped one)."""
    return _apply(rule_id, {"enabled": enabled}, path, base)


def set_value(
    rule_id: str, dotted_path: str, value: Any, path: Path | None = None, base: Path | None = None
) -> list[Problem]:
    """Change one value of a rule (``when.0.level.at_least``, ``then.prescribe.0.dose.sets``)."""
    return _apply(rule_id, {"set": {dotted_path: value}}, path, base)

"""Hostile files and values (issue 9, items 3, 9 and 11): each one is a single located line and
exit code 2 (or a warning), never a traceback or a hang, and the last good state is kept.

FIFOs are made with ``os.mkfifo``: a test that opened one would block, so every test runs
under an alarm (``signal.alarm``) and the CLI runs that could block run in a subprocess with
a timeout.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from tests.cli_support import run

from prehab.cli import main
from prehab.rulebook.factsfile import load_facts_file
from prehab.rulebook.loader import default_layers, load_rulebook
from prehab.safe.files import FileRefused, atomic_write
from prehab.safe.toml import MAX_DEPTH, TomlError, parse_toml, read_toml
from prehab.settings import Settings, load_settings, save_settings, settings_text

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "examples" / "runner.toml"
HUGE = "9" * 5000

HOSTILE_TOML = {
    "5000 digits": (f"a = 1\nb = {HUGE}\n", "number", 2),
    "int64 + 1": ("a = 9223372036854775808\n", "number", 1),
    "hex past 64 bits": ("a = 0x1ffffffffffffffff\n", "number", 1),
    "array 10000 deep": ("x = 1\n\na = " + "[" * 10_000 + "]" * 10_000 + "\n", "depth", 3),
    "inline tables 3000 deep": ("a = " + "{b = " * 3000 + "1" + "}" * 3000, "depth", 1),
    "headers 10000 deep": ("[" * 10_000 + "a" + "]" * 10_000, "syntax", 1),
    "dotted key 20000 long": ("x = 1\n" + "a" + ".a" * 20_000 + " = 1\n", "depth", 2),
    "table name 200 long": ("[" + ".".join(["t"] * 200) + "]\n", "depth", 1),
}


@pytest.fixture(autouse=True)
def deadline() -> Iterator[None]:
    """No test here may hang (a FIFO opened by mistake would): fail after 60 s instead."""

    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError("the test hung (a FIFO opened?)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def run_cli(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process (it inherits the test's PREHAB_* dirs), bounded in time."""
    done = subprocess.run(
        [sys.executable, "-m", "prehab", *argv], capture_output=True, text=True, timeout=timeout
    )
    assert "Traceback" not in done.stderr
    return done


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert re.match(r"(prehab[\w ]*: )?error: ", lines[0]), err
    return lines[0]


# -- item 3: one safe TOML reader -----------------------------------------------------------------


@pytest.mark.parametrize("name", list(HOSTILE_TOML))
def test_hostile_toml_is_one_located_error(name: str) -> None:
    text, kind, line = HOSTILE_TOML[name]
    with pytest.raises(TomlError) as caught:
        parse_toml(text, "f.toml")
    assert caught.value.kind == kind
    assert caught.value.problem.line == line
    shown = str(caught.value)
    assert shown.startswith(f"f.toml:{line}: ") and "\n" not in shown and len(shown) < 300


def test_values_toml_allows_are_still_read() -> None:
    data = parse_toml(
        'a = -9223372036854775808\nb = 0x7fffffffffffffff\nc = 1e300\nd = "' + HUGE + '"\n'
        'e = """\n[[[[[[\n"""\n' + "f = " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    )
    assert data["a"] == -(2**63) and data["b"] == 2**63 - 1 and data["d"] == HUGE


def test_every_toml_read_goes_through_the_safe_reader() -> None:
    """``tomllib`` is called in one place only, so no reader can miss these checks."""
    callers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "src" / "prehab").rglob("*.py")
        if "tomllib.load" in path.read_text(encoding="utf-8")
    ]
    assert callers == ["src/prehab/safe/toml.py"]


@pytest.mark.parametrize("name", ["5000 digits", "array 10000 deep", "dotted key 20000 long"])
def test_hostile_settings_file_keeps_every_command_working(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, _, line = HOSTILE_TOML[name]
    path = tmp_path / "config" / "settings.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    settings, problems = load_settings()
    assert settings == Settings() and len(problems) == 1 and problems[0].line == line
    code, out, err = run(capsys, "recommend", "--facts", str(RUNNER), "--brief")
    assert code == 0 and out
    code, _, err = run(capsys, "history")
    assert code == 0 and f"settings.toml:{line}:" in err
    code, _, err = run(capsys, "settings", "set", "units", "mi")
    assert code == 2 and "nothing was changed" in one_error_line(err)
    assert path.read_text(encoding="utf-8") == text  # the file is left as it was


def test_settings_set_a_huge_number_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    for key in ("time_budget_min", "strength_weeks"):
        code, _, err = run(capsys, "settings", "set", key, HUGE)
        line = one_error_line(err)
        assert code == 2 and len(line) < 200 and "(5002 characters)" in line
    code, _, err = run(capsys, "settings", "set", "strength_weeks", "9" * 20)
    assert code == 2 and "is not a number of weeks" in one_error_line(err)


def test_hostile_facts_and_rule_files_are_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = tmp_path / "facts.toml"
    facts.write_text(HOSTILE_TOML["array 10000 deep"][0], encoding="utf-8")
    book = load_rulebook(default_layers(include_user=False)).rulebook
    assert book is not None
    _, problems = load_facts_file(facts, book.schema)
    assert [(p.file, p.line, p.severity) for p in problems] == [(str(facts), 3, "error")]
    rules = tmp_path / "config" / "rules"
    rules.mkdir(parents=True)
    (rules / "mine.toml").write_text(f'[[rule]]\nid = "x"\npriority = {HUGE}\n', encoding="utf-8")
    code, _, err = run(capsys, "rules", "check")
    assert code == 2 and "mine.toml:3: integer" in err
    code, out, err = run(capsys, "recommend", "--facts", str(RUNNER), "--brief")
    assert code == 0 and "using the shipped rules" in err  # the last good pack stays in force


def test_hostile_export_is_refused_by_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "export.toml"
    export.write_text(
        "exported_at = 2024-05-01T00:00:00Z\nschema_version = 2\n[[session]]\ndate = 2024-05-01\n"
        f'kind = "easy"\ndistance_km = {HUGE}\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "import", str(export))
    assert code == 1 and "line 6: integer" in out and "imported 0" in out


# -- item 9: FIFOs, folders, dangling symlinks; empty and missing paths; --budget ------------------


def hostile_folder(folder: Path) -> list[str]:
    """A FIFO, a folder and a dangling symlink named *.toml in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / "fifo.toml")
    (folder / "folder.toml").mkdir()
    (folder / "dangling.toml").symlink_to(folder / "nowhere.toml")
    return ["fifo.toml", "folder.toml", "dangling.toml"]


def test_non_files_in_the_rules_folder_are_named_not_opened(tmp_path: Path) -> None:
    names = hostile_folder(tmp_path / "config" / "rules")
    done = run_cli("rules", "check", timeout=60)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning: ")]
    for name in names:
        assert any(name in w and "skipped" in w for w in warnings), done.stderr
    assert "FIFO" in done.stderr and "folder" in done.stderr and "dangling symlink" in done.stderr


def test_non_files_in_the_screens_folder_are_named_not_opened(tmp_path: Path) -> None:
    from prehab.questionnaire import load_screens

    book = load_rulebook(default_layers(include_user=False)).rulebook
    assert book is not None
    names = hostile_folder(tmp_path / "screens")
    result = load_screens(book.schema, [tmp_path / "screens"])
    assert sorted(Path(p.file).name for p in result.problems) == sorted(names)
    assert all(p.severity == "warning" for p in result.problems)


@pytest.mark.parametrize("kind", ["fifo", "folder", "dangling"])
def test_non_files_given_as_a_path(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.toml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to(tmp_path / "nowhere.toml")
    done = run_cli("recommend", "--facts", str(path), timeout=60)
    assert done.returncode == 2 and str(path) in done.stderr
    if kind != "folder":  # a folder is a rule pack (one with no rules in it)
        done = run_cli("rules", "check", str(path), timeout=60)
        assert done.returncode == 2 and str(path) in one_error_line(done.stderr)
    done = run_cli("import", str(path), timeout=60)
    assert done.returncode in (1, 2) and str(path.name) in done.stderr + done.stdout


def test_settings_file_that_is_a_fifo(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.toml"
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    done = run_cli("history", timeout=60)
    assert done.returncode == 0 and "FIFO" in done.stderr
    done = run_cli("settings", "set", "units", "mi", timeout=60)
    assert done.returncode == 2 and "FIFO" in one_error_line(done.stderr)
    assert stat.S_ISFIFO(os.lstat(path).st_mode)


def test_import_of_an_empty_path_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "activities.csv").write_text("Activity ID,Activity Date\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "import", "")
    assert code == 2 and "empty path" in one_error_line(err)
    code, _, err = run(capsys, "import", "  ", "x.gpx")
    assert code == 2 and "empty path" in one_error_line(err)


@pytest.mark.parametrize(
    "argv",
    [
        ("rules", "check", "/missing"),
        ("rules", "test", "/missing"),
        ("rules", "list", "/missing"),
        ("rules", "diff", "/missing"),
        ("explain", "red-flag-swelling", "--rules", "/missing"),
        ("recommend", "--rules", "/missing", "--facts", str(RUNNER)),
    ],
)
def test_a_missing_rules_path_is_an_error(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and not out
    assert one_error_line(err) == (
        "prehab: error: /missing: no such file or folder "
        "(give a rule pack folder or a .toml file; `prehab paths` lists yours)"
    )


@pytest.mark.parametrize("budget", ["nan", "-5", "inf", "-inf", "1441"])
def test_bad_budgets_are_refused(budget: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", "--facts", str(RUNNER), f"--budget={budget}")
    assert code == 2 and not out
    assert one_error_line(err).startswith(
        f"prehab: error: --budget {budget.replace('1441', '1441 ')}".rstrip()
    )


def test_argparse_refusals_are_one_line_too(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["recommend", "--budget", "abc"])
    assert exit_.value.code == 2
    assert "--budget: invalid float value: 'abc'" in one_error_line(capsys.readouterr().err)


def test_budget_zero_means_no_limit(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    code, out, _ = run(capsys, "recommend", "--facts", str(RUNNER), "--budget", "0", "--json")
    unlimited = json.loads(out)
    code, out, _ = run(capsys, "recommend", "--facts", str(RUNNER), "--budget", "1", "--json")
    tight = json.loads(out)
    assert code == 0 and unlimited["today"] and not unlimited["if_time"]
    assert len(tight["today"]) < len(unlimited["today"])
    with pytest.raises(SystemExit):
        main(["recommend", "--help"])
    assert "0 means no limit" in capsys.readouterr().out


# -- item 11: writing through symlinks, keeping modes, refusing non-files, keeping comments ----


def test_export_writes_through_a_symlink_and_keeps_the_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "log", "--kind", "easy", "--distance", "5")
    real = tmp_path / "backups" / "history.toml"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o644)
    link = tmp_path / "history.toml"
    link.symlink_to(real)
    code, _, err = run(capsys, "export", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").startswith("exported_at")
    assert stat.S_IMODE(real.stat().st_mode) == 0o644
    assert sorted(p.name for p in real.parent.iterdir()) == ["history.toml"]  # no temp file left


def test_a_new_export_gets_the_usual_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = os.umask(0o022)
    try:
        code, _, _ = run(capsys, "export", "-o", str(tmp_path / "new.toml"))
    finally:
        os.umask(old)
    assert code == 0 and stat.S_IMODE((tmp_path / "new.toml").stat().st_mode) == 0o644


@pytest.mark.parametrize("kind", ["fifo", "folder", "device", "link-to-fifo"])
def test_export_refuses_a_target_that_is_not_a_file(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "target"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("only root can make a device node (and only root could replace one)")
        os.mknod(target, 0o644 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
    else:
        os.mkfifo(tmp_path / "fifo")
        target.symlink_to(tmp_path / "fifo")
    before = os.lstat(target)
    code, out, err = run(capsys, "export", "-o", str(target))
    assert code == 2 and not out
    assert "not a file" in one_error_line(err)
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)  # untouched


SETTINGS_BY_HAND = """\
# My prehab settings
units = "mi"          # I think in miles

# kit at home
equipment = [
    "band",   # the red one
    "step",
]
time_budget_min = 20  # lunch break
"""


def test_settings_set_keeps_comments_and_layout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config" / "settings.toml"
    path.parent.mkdir(parents=True)
    path.write_text(SETTINGS_BY_HAND, encoding="utf-8")
    path.chmod(0o640)
    code, _, err = run(capsys, "settings", "set", "time_budget_min", "25")
    assert code == 0, err
    assert path.read_text(encoding="utf-8") == SETTINGS_BY_HAND.replace(
        "time_budget_min = 20  # lunch break", "time_budget_min = 25  # lunch break"
    )
    code, _, _ = run(capsys, "settings", "set", "key_run_days", "sunday")
    assert code == 0
    assert path.read_text(encoding="utf-8").endswith('# lunch break\nkey_run_days = ["sunday"]\n')
    code, _, _ = run(capsys, "settings", "set", "equipment", "band")
    text = path.read_text(encoding="utf-8")
    assert code == 0 and '# kit at home\nequipment = ["band"]\ntime_budget_min = 25' in text
    assert text.startswith('# My prehab settings\nunits = "mi"          # I think in miles\n')
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    settings, problems = load_settings(path)
    assert problems == [] and settings.equipment == ["band"] and settings.key_run_days == ["sunday"]


def test_settings_set_writes_through_a_symlink(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dotfiles = tmp_path / "dotfiles" / "prehab.toml"
    dotfiles.parent.mkdir()
    dotfiles.write_text('units = "mi" # yes\n', encoding="utf-8")
    dotfiles.chmod(0o664)
    link = tmp_path / "config" / "settings.toml"
    link.parent.mkdir(parents=True)
    link.symlink_to(dotfiles)
    code, _, err = run(capsys, "settings", "set", "units", "km")
    assert code == 0, err
    assert link.is_symlink() and dotfiles.read_text(encoding="utf-8") == 'units = "km" # yes\n'
    assert stat.S_IMODE(dotfiles.stat().st_mode) == 0o664


def test_settings_cleared_value_keeps_its_comment() -> None:
    text = 'goal_race_date = 2027-04-12  # Berlin\nunits = "mi"\n'
    assert settings_text(text, Settings(units="mi"), "s.toml") == '# Berlin\nunits = "mi"\n'


def test_settings_that_cannot_be_edited_in_place_are_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    text = '# keep me\nunits = "mi"\nunits2 = 1\n"units" = "km"\n'  # a duplicate key: not TOML
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileRefused, match="fix the file first"):
        save_settings(Settings(units="km"), path)
    assert path.read_text(encoding="utf-8") == text


def test_settings_with_a_key_spelled_oddly_say_so_instead_of_rewriting(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    text = '# keep me\n"\\u0075nits" = "mi"\n'  # "units", spelled with an escape
    path.write_text(text, encoding="utf-8")
    assert load_settings(path)[0].units == "mi"
    with pytest.raises(FileRefused, match="without losing its comments or layout"):
        save_settings(Settings(units="km"), path)
    assert path.read_text(encoding="utf-8") == text


def test_atomic_write_leaves_no_temp_file_when_it_fails(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "f.txt").write_text("old", encoding="utf-8")
    with pytest.raises(FileRefused):
        atomic_write(folder, b"new")  # a folder: refused before anything is written
    assert [p.name for p in folder.iterdir()] == ["f.txt"]


@pytest.mark.parametrize("durable", [True, False])
def test_atomic_write_replaces_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, durable: bool
) -> None:
    """A cache's write (``durable=False``) is as atomic as any, without the fsyncs."""
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    target = tmp_path / "f.json"
    target.write_bytes(b"old")
    atomic_write(target, b"new" * 1000, durable=durable)
    assert target.read_bytes() == b"new" * 1000
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]
    assert bool(synced) == durable


def test_read_toml_names_a_fifo_without_opening_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.toml")
    with pytest.raises(TomlError, match=r"x\.toml: cannot read the file: it is a FIFO"):
        read_toml(tmp_path / "x.toml")


def test_a_fifo_in_the_cache_folder_cannot_hang_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    """Something that is not a file where the day memo keeps an entry (a FIFO): a miss at once,
    the day is read, the output is the same, and the FIFO is left alone."""
    from datetime import date

    from prehab.day import memo

    first = run(capsys, "recommend", "--json")
    found = memo.today_sources()
    assert first[0] == 0 and found is not None
    name = memo._output_key(found.key(date.today()), "recommend --json")[:40] + ".json"
    path = memo.memo_folder() / name
    path.unlink()
    os.mkfifo(path)
    done = run_cli("recommend", "--json", timeout=60)  # a subprocess: a hang is a failure
    assert done.returncode == 0 and done.stdout == first[1], done.stderr
    assert stat.S_ISFIFO(os.lstat(path).st_mode)

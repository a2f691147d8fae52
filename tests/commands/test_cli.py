"""The command line as a user runs it: text and JSON advice, rule checks, explain."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.cli_support import run

from prehab.cli import main

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "examples" / "runner.toml"


def test_recommend_prints_prescriptions_with_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", "--facts", str(RUNNER))
    assert code == 0, err
    assert "MOBILITY" in out or "STRENGTH" in out
    assert "why:" in out and "rule:" in out and "source:" in out
    assert "not medical advice" in out


def test_recommend_json_is_complete(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", "--facts", str(RUNNER), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["today"], "the example runner should get prescriptions"
    first = data["today"][0]
    assert {"exercise", "name", "kind", "dose", "minutes", "reasons"} <= set(first)
    reason = first["reasons"][0]
    assert reason["rule"] and reason["why"] and reason["source"] and reason["matched"]


def modules_after(*args: str) -> set[str]:
    """The modules a fresh process has imported once ``prehab ARGS`` has run."""
    code = (
        "import io, json, sys, contextlib; from prehab.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main({list(args)!r})\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout))


def test_recommend_json_does_not_import_textual() -> None:
    imported = modules_after("recommend", "--facts", str(RUNNER), "--json")
    assert "prehab.engine.runner" in imported  # it did advise
    assert "textual" not in imported


def test_bad_facts_file_is_a_located_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = tmp_path / "f.toml"
    facts.write_text('[[tightness]]\nregion = "calves"\nlevel = 14\n', encoding="utf-8")
    code, out, err = run(capsys, "recommend", "--facts", str(facts))
    assert code == 2
    assert f"{facts}:3: tightness[0].level: 14 is above the maximum 10" in err
    assert "Traceback" not in err


def test_a_facts_file_answer_no_screen_asks_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = tmp_path / "f.toml"
    facts.write_text(
        RUNNER.read_text(encoding="utf-8") + '\n[[answer]]\nquestion = "weak_glutez"\nvalue = true\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "recommend", "--facts", str(facts))
    assert code == 0 and "STRENGTH" in out
    assert "no questionnaire asks 'weak_glutez'" in err and "weak_glutes" in err


def test_a_facts_file_without_answers_reads_no_screens() -> None:
    """The screens are read to check a facts file's answers: none, no read (start-up time)."""
    assert "prehab.questionnaire" not in modules_after("recommend", "--facts", str(RUNNER), "--json")


def test_rules_check_ok_and_broken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "check", str(ROOT / "rules"))
    assert code == 0 and out.startswith("ok: ")
    broken = tmp_path / "mine.toml"
    broken.write_text(
        '[[rule]]\nid = "x"\ntitle = "t"\nwhen = [ { fact = "tightnes" } ]\n'
        'then.note = "n"\nwhy = "w"\nsource = "s"\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "rules", "check", str(broken))
    assert code == 2
    assert f"{broken}:4: rule.x.when[0].fact: unknown fact kind 'tightnes' (did you mean 'tightness'?)" in err
    assert "NOT loaded" in err


def test_rules_test_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "test", str(ROOT / "rules"))
    last = out.strip().splitlines()[-1]
    assert code == 0, out
    assert last.endswith(" passed, 0 failed")
    assert int(last.split()[0]) > 0


def test_rules_test_reports_a_failing_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[[rule]]\nid = "my-rule"\ntitle = "t"\nwhen = [ { fact = "tightness", region = "calves" } ]\n'
        'then.note = "n"\nwhy = "w"\nsource = "s"\n'
        '[[rule.example]]\ngiven = [ { fact = "tightness", region = "shins", level = 3 } ]\n'
        'expect.fires = ["my-rule"]\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "rules", "test", str(mine), "--rule", "my-rule")
    assert code == 1
    assert "FAIL my-rule example 1" in out and "expected rule 'my-rule' to fire" in out
    assert out.strip().endswith("0 passed, 1 failed")


def test_explain_and_why_not(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "r.toml"
    mine.write_text(
        '[[rule]]\nid = "my-calves"\ntitle = "Very tight calves"\n'
        'when = [ { fact = "tightness", region = "calves", level = { at_least = 7 } } ]\n'
        'then.note = "n"\nwhy = "because"\nsource = "s"\n',
        encoding="utf-8",
    )
    facts = tmp_path / "f.toml"
    facts.write_text('[[tightness]]\nregion = "calves"\nlevel = 5\n', encoding="utf-8")
    code, out, _ = run(capsys, "explain", "my-calves", "--rules", str(mine))
    assert code == 0
    assert "WHEN all of:" in out and "tightness with region = calves and level >= 7" in out
    code, out, _ = run(
        capsys, "explain", "my-calves", "--rules", str(mine), "--why-not", "--facts", str(facts)
    )
    assert "did NOT fire" in out
    assert "level >= 7 failed: level is 5" in out


def test_explain_unknown_rule_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "red-flag-swelingg")
    assert code == 2 and "did you mean 'red-flag-swelling'?" in err


def test_unusable_data_dir_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "dd").mkdir()
    (tmp_path / "dd" / "prehab.sqlite3").write_text("garbage", encoding="utf-8")
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "dd"), "recommend")
    assert code == 2
    assert err.startswith("prehab: error: ") and "not a usable prehab database" in err
    assert "Traceback" not in err


def test_plain_prehab_starts_the_app_and_passes_no_mouse(monkeypatch: pytest.MonkeyPatch) -> None:
    import prehab.commands.ui as ui

    seen: dict[str, object] = {}

    def fake_app(args: object) -> int:
        seen["no_mouse"] = getattr(args, "no_mouse", None)
        return 0

    monkeypatch.setattr(ui, "run_app", fake_app)
    assert main(["--no-mouse"]) == 0
    assert seen == {"no_mouse": True}


def test_a_facts_file_mistake_is_located_though_a_clean_file_makes_no_line_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The line index is made only when a facts file has something to say (start-up time)."""
    facts = tmp_path / "f.toml"
    facts.write_text(
        '[athlete]\nexperience = "advanced"\n\n[[pain]]\nregion = "calf"\nlevel = 3\n', encoding="utf-8"
    )
    code, _, err = run(capsys, "recommend", "--facts", str(facts))
    assert code == 2 and f"{facts}:5: pain[0].region" in err and "calves" in err
    # That run left the checked pack in the cache: the next start reads it back (a full load
    # indexes the pack's own lines).
    assert "prehab.rulebook.locate" not in modules_after("recommend", "--facts", str(RUNNER), "--json")

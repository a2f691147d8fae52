"""``prehab checkin``, ``profile`` and ``respond`` as a runner types them: interactively on a
terminal (a real pseudo-terminal), at once with ``--set``, or as JSON; a wrong answer is one
line naming the question and what it takes, and nothing is stored."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from tests.cli_support import run

from prehab.store import Store
from prehab.store.episodes import open_on


def _read_until(fd: int, wanted: str, timeout: float = 20.0) -> str:
    """What the program printed up to ``wanted`` (waits on the terminal, not a clock tick)."""
    seen = ""
    while wanted not in seen:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            raise AssertionError(f"never printed {wanted!r}; printed: {seen[-400:]!r}")
        try:
            chunk = os.read(fd, 4096).decode("utf-8", "replace")
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    return seen


def test_an_interactive_checkin_asks_each_question_and_asks_again_after_a_wrong_answer() -> None:
    main_fd, child_fd = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "prehab", "checkin", "--screen", "screening"],
        stdin=child_fd, stdout=child_fd, stderr=child_fd, close_fds=True,
    )  # fmt: skip
    os.close(child_fd)
    try:
        text = _read_until(main_fd, "Chest pain or pressure while running?")
        assert "Blank skips a question" in text and "[yes or no]" in text
        os.write(main_fd, b"perhaps\n")
        assert "answer yes or no" in _read_until(main_fd, "answer yes or no")
        os.write(main_fd, b"no\n")
        _read_until(main_fd, "Fainted")
        os.write(main_fd, b"\n")  # blank: skipped
        _read_until(main_fd, "Dizzy")
        for _ in range(4):  # dizziness, breathlessness, swollen calf, groin: skipped
            os.write(main_fd, b"\n")
        _read_until(main_fd, "Pain that wakes you at night?")
        os.write(main_fd, b"yes\n")
        out = ""
        while "saved screening" not in out:  # blank for every question left, as they come
            out += _read_until(main_fd, ":")
            if "saved screening" not in out:
                os.write(main_fd, b"\n")
        if "opened: night pain" not in out:
            out += _read_until(main_fd, "night pain")
        assert "opened: night pain" in out
        assert proc.wait(20) == 0
    finally:
        os.close(main_fd)
        if proc.poll() is None:
            proc.kill()
    with Store.open() as store:
        from datetime import date

        assert [e.subject for e in open_on(store, date.today())] == ["night_pain"]


def test_set_and_json_take_the_same_answers_and_refuse_the_same_mistakes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(capsys, "checkin", "--screen", "body-map", "--set", "tight_calves=11")
    assert (
        code == 2
        and "body-map.tight_calves: 11 is out of range: give 0-10 (takes a whole number 0-10)" in err
    )
    assert "nothing was stored" in err
    code, _, err = run(capsys, "checkin", "--screen", "body-map", "--set", "tight_calve=6")
    assert code == 2 and "did you mean 'tight_calves'" in err
    code, _, err = run(capsys, "checkin", "--screen", "body-mapp", "--set", "tight_calves=6")
    assert code == 2 and "did you mean 'body-map'" in err
    code, _, err = run(capsys, "checkin", "--screen", "body-map", "--set", "tight_calves")
    assert code == 2 and "QUESTION=ANSWER" in err
    with Store.open() as store:
        assert store.checkins() == []
    payload = tmp_path / "checkin.json"
    payload.write_text(json.dumps({"screen": "body-map", "answers": {"tight_calves": 6}}))
    code, out, _ = run(capsys, "checkin", "--json", str(payload))
    assert code == 0 and "saved body-map: 1 fact(s)" in out
    monkeypatch.setattr("sys.stdin", open(payload))  # noqa: SIM115 - closed by pytest's monkeypatch undo
    code, out, _ = run(capsys, "checkin", "--json", "-")
    assert code == 0
    payload.write_text('{"screen": "body-map", "answers": {"tight_calves": "\\ud800"}}')
    code, _, err = run(capsys, "checkin", "--json", str(payload))
    assert code == 2 and "not text" in err and "\\ud800" not in err
    code, out, _ = run(capsys, "checkin", "--list")
    assert "screening: Screening" in out and "profile: Profile" in out and "follow-up" not in out


def test_respond_says_when_there_is_nothing_to_answer(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "respond", "--set", "effort_rpe=6")
    assert code == 2 and "nothing to answer" in err


def test_profile_set_keeps_the_other_answers_and_skip_is_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "profile", "--set", "birth_year=1980")[0] == 0
    assert run(capsys, "profile", "--set", "sex=female")[0] == 0
    code, out, _ = run(capsys, "profile", "--show")
    assert "birth_year = 1980" in out and "sex = female" in out
    code, _, err = run(capsys, "profile", "--skip")
    assert code == 2 and "answered already" in err
    code, _, err = run(capsys, "profile", "--set", "pregnancy_weeks=60")
    assert code == 2 and "profile.pregnancy_weeks" in err

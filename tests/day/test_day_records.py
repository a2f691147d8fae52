"""Episodes, responses and the profile as records: an older history or export becomes them,
an export keeps them, a deleted check-in takes the episodes it opened with it, and a damaged
or hand-written row never stops a read."""

from __future__ import annotations

import json
import sqlite3
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from tests.cli_support import run

from prehab.store import Store
from prehab.store.episodes import episodes, open_on, updates
from prehab.store.responses import responses
from prehab.store.schema import LATEST_VERSION, MIGRATIONS

TODAY = date.today()
QUADS_WORSE = {"fact": "response", "region": "quadriceps", "next_morning": "worse"}


def _make_v3(path: Path, checkins: list[tuple[datetime, list[dict[str, object]]]]) -> None:
    """A history as prehab left it before episodes (schema 3), with these check-ins."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT)")
    for version, script in MIGRATIONS[:3]:
        for statement in script.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
    for taken, facts in checkins:
        conn.execute(
            "INSERT INTO checkins (taken_at, answers, facts) VALUES (?, '{}', ?)",
            (taken.astimezone(UTC).isoformat(), json.dumps(facts)),
        )
    conn.execute(
        "INSERT INTO done (day, exercise_id, kind, marked_at) VALUES (?, 'squat', 'strength', ?)",
        ((TODAY - timedelta(days=3)).isoformat(), datetime(2000, 1, 1, tzinfo=UTC).isoformat()),
    )
    conn.close()


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour).astimezone()


def test_an_old_history_s_checkins_become_episodes_and_responses(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    swollen = {"fact": "pain", "region": "knees", "level": 7, "swelling": True}
    _make_v3(
        path,
        [
            (at(TODAY - timedelta(days=90)), [{"fact": "pain", "region": "shins", "level": 4}]),
            (at(TODAY - timedelta(days=5)), [swollen]),
            (at(TODAY - timedelta(days=2)), [{"fact": "effort", "rpe": 6}, QUADS_WORSE]),
        ],
    )  # fmt: skip
    with Store.open(path) as store:
        assert store.schema_version() == LATEST_VERSION
        found = {e.subject: e for e in episodes(store)}
        assert found["knees"].is_open and found["knees"].fact == swollen
        assert found["shins"].closed_on is not None and "imported" in found["shins"].close_reason
        assert [e.subject for e in open_on(store, TODAY)] == ["knees"]
        [rpe, quads] = responses(store, TODAY - timedelta(days=10), TODAY)
        assert rpe.work_day == TODAY - timedelta(days=3) and rpe.rpe == 6
        assert (quads.region, quads.next_morning) == ("quadriceps", "worse")
        assert [d.rpe for d in store.done_items(TODAY - timedelta(days=7))] == [6]


def test_export_keeps_episodes_responses_and_the_profile_and_an_older_export_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    day = TODAY.isoformat()
    run(capsys, "checkin", "--date", day, "--screen", "body-map", "--set", "pain_region=achilles",
        "--set", "pain_level=5")  # fmt: skip
    run(capsys, "profile", "--set", "birth_year=1970", "--set", "sex=female")
    backup = tmp_path / "backup.toml"
    assert run(capsys, "export", "-o", str(backup))[0] == 0
    data = tomllib.loads(backup.read_text())
    assert data["schema_version"] == LATEST_VERSION and data["episode"][0]["subject"] == "achilles"
    assert (
        data["profile"]["answers"]["birth_year"] == 1970
        and data["episode"][0]["story"][0]["what"] == "opened"
    )
    # the same export into a new history: episodes and profile come back, once
    monkeypatch.setenv("PREHAB_DATA_DIR", str(tmp_path / "copy"))
    for _ in range(2):
        assert run(capsys, "import", str(backup))[0] == 0
    with Store.open() as store:
        [achilles] = episodes(store)
        assert achilles.subject == "achilles" and achilles.is_open and len(updates(store, achilles.id)) == 1
    # an export from before episodes (schema 3, check-ins only): its check-ins become episodes
    old = {key: value for key, value in data.items() if key not in ("episode", "response", "profile")}
    old["schema_version"] = 3
    import tomli_w

    older = tmp_path / "older.toml"
    older.write_text(tomli_w.dumps(old))
    monkeypatch.setenv("PREHAB_DATA_DIR", str(tmp_path / "third"))
    assert run(capsys, "import", str(older))[0] == 0
    with Store.open() as store:
        assert [e.subject for e in open_on(store, TODAY)] == ["achilles"]


def test_deleting_a_checkin_takes_the_episode_it_opened_and_restoring_brings_it_back() -> None:
    with Store.open() as store:
        cid = store.add_checkin({}, [{"fact": "symptom", "sign": "night_pain", "present": True}], at(TODAY))
        assert [e.subject for e in open_on(store, TODAY)] == ["night_pain"]
        assert store.delete("checkin", cid)
        assert open_on(store, TODAY) == []
        assert store.restore("checkin", cid)
        assert [e.subject for e in open_on(store, TODAY)] == ["night_pain"]


def test_a_no_closes_a_sign_and_a_later_report_merges_without_losing_a_sign() -> None:
    with Store.open() as store:
        store.add_checkin(
            {}, [{"fact": "pain", "region": "shins", "level": 6, "bone_tenderness": True}], at(TODAY)
        )
        store.add_checkin({}, [{"fact": "pain", "region": "shins", "level": 3}], at(TODAY, 9))
        [shins] = open_on(store, TODAY)
        assert shins.fact["level"] == 3 and shins.fact["bone_tenderness"] is True  # kept until answered "no"
        store.add_checkin(
            {}, [{"fact": "pain", "region": "shins", "level": 0, "bone_tenderness": False}], at(TODAY, 10)
        )
        assert open_on(store, TODAY) == []
        store.add_checkin({}, [{"fact": "symptom", "sign": "dizziness", "present": False}], at(TODAY, 11))
        assert open_on(store, TODAY) == []  # "no" with nothing open opens nothing


def test_a_hand_written_row_never_stops_the_reads(capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open() as store:
        store.add_checkin({}, [{"fact": "pain", "region": "knees", "level": 4}], at(TODAY))
        path = store.path
    conn = sqlite3.connect(path)
    conn.execute("UPDATE episodes SET fact = 'not json', opened_on = opened_on")
    conn.execute(
        "INSERT INTO episodes (kind, subject, opened_on, updated_on) "
        "VALUES ('pain', 'calves', 'garbage', 'x')"
    )
    conn.execute(
        "INSERT INTO responses (work_day, region, rpe, answered_at) VALUES ('2026-13-45', '', 99, 'x')"
    )
    conn.execute("INSERT INTO profile (athlete_id, answers, facts, updated_at) VALUES (1, '[', '{', 'x')")
    conn.commit()
    conn.close()
    code, out, err = run(capsys, "recommend", "--json")
    assert code == 0 and json.loads(out)["today"] is not None
    code, out, _ = run(capsys, "history", "--episodes")
    assert code == 0 and "knees pain" in out
    code, out, _ = run(capsys, "profile", "--show")
    assert code == 0

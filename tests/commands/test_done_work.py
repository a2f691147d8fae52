"""Done work is history (issue 10, item 1): what was done, at which dose, counts like a logged
session; every delete (sessions, check-ins, done marks) can be undone, from the CLI and after a
restart; the export keeps it all and restores it."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from tests.cli_support import log_easy_runs, run

from prehab.day.facts import facts_for_day
from prehab.facts.history import build_facts
from prehab.facts.metrics import load_metrics, strength_streak_weeks
from prehab.store import Session, Settings, Store
from prehab.store.checkins import delete_checkin
from prehab.store.records import DoneItem
from prehab.store.sessions import delete_session

T = date(2026, 11, 26)  # a Thursday


pytestmark = pytest.mark.usefixtures("utc")


def ago(days: int) -> date:
    return T - timedelta(days=days)


def item(days: int, exercise: str, kind: str, plane: str = "sagittal") -> DoneItem:
    return DoneItem(ago(days), exercise, kind, {"sets": 3}, None, plane)


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


# -- the record ------------------------------------------------------------------------------


def test_done_items_keep_the_dose_given_and_the_next_check_ins_rpe() -> None:
    with Store.open() as store:
        store.mark_done(ago(2), "calf-raise", ["calves-tight"], kind="strength",
                        dose={"sets": 3, "reps": 12, "load": "moderate"}, plane="sagittal",
                        loads=["calves", "achilles"], minutes=5)  # fmt: skip
        store.mark_done(ago(2), "side-plank", ["planes"], kind="strength", dose={"sets": 2, "hold_s": 30},
                        plane="frontal", loads=["core"])  # fmt: skip
        store.mark_done(ago(1), "calf-stretch", [], kind="mobility", dose={"sets": 2, "hold_s": 30})
        # the check-in the morning after day -2 answers for it; the one after day -1 for that day
        store.add_checkin({}, [{"fact": "effort", "rpe": 6}], taken_at=at(ago(1), 7))
        store.add_checkin({}, [{"fact": "effort", "rpe": 3}], taken_at=at(T, 7))
        found = store.done_items(ago(7))
    assert [(d.day, d.exercise, d.kind, d.rpe) for d in found] == [
        (ago(2), "calf-raise", "strength", 6),
        (ago(2), "side-plank", "strength", 6),
        (ago(1), "calf-stretch", "mobility", 3),
    ]
    first = found[0]
    assert first.dose == {"sets": 3, "reps": 12, "load": "moderate"}
    assert (first.plane, first.loads, first.minutes, first.rule_ids) == (
        "sagittal", ("calves", "achilles"), 5.0, ("calves-tight",)
    )  # fmt: skip


def test_an_rpe_answered_before_the_days_marks_is_not_that_days() -> None:
    with Store.open() as store:
        store.mark_done(ago(3), "squat", [], kind="strength", dose={"sets": 3})
        store.add_checkin({}, [{"fact": "effort", "rpe": 7}], taken_at=at(ago(2), 6))  # about day -3
        store.add_checkin({}, [{"fact": "effort", "rpe": 5}], taken_at=at(ago(2), 20))  # corrects it
        assert [d.rpe for d in store.done_items(ago(7))] == [5]
        # a later day's answer is about later work, not day -3 again
        store.add_checkin({}, [{"fact": "effort", "rpe": 9}], taken_at=at(T, 6))
        assert [d.rpe for d in store.done_items(ago(7))] == [5]
        # an answer that names its day (days_ago) is about that day
        store.mark_done(ago(1), "plank", [], kind="strength", dose={})
        store.add_checkin({}, [{"fact": "effort", "rpe": 4, "days_ago": 1}], taken_at=at(T, 9))
        assert [(d.exercise, d.rpe) for d in store.done_items(ago(7))] == [("squat", 5), ("plank", 4)]


def test_marking_again_keeps_one_record_and_what_the_caller_left_out() -> None:
    with Store.open() as store:
        first = store.mark_done(T, "calf-raise", ["r1"], kind="strength", dose={"sets": 3}, plane="sagittal")
        again = store.mark_done(T, "calf-raise", ["r1", "r2"])  # an older caller: no kind, no dose
        assert first == again
        [d] = store.done_items(T)
        assert (d.kind, d.dose, d.plane, d.rule_ids) == ("strength", {"sets": 3}, "sagittal", ("r1", "r2"))


# -- derived facts -----------------------------------------------------------------------------


def test_done_work_counts_like_a_logged_session_of_its_kind() -> None:
    runs = [Session(ago(1), "easy", 8), Session(ago(9), "easy", 8)]
    assert "days_since_strength" not in load_metrics(runs, T)
    done = [
        item(2, "squat", "strength"),
        item(2, "plank", "strength"),  # one session, however many items
        item(4, "box-jump", "plyometric", "multi"),
        item(5, "calf-stretch", "mobility"),
        item(12, "side-plank", "strength", "frontal"),
    ]
    m = load_metrics(runs, T, done)
    assert m["days_since_strength"] == 2
    assert m["strength_sessions_7d"] == 2  # days -2 and -4
    assert m["days_since_mobility"] == 5
    assert m["days_since_cross_plane"] == 4  # the multi-plane jumps
    # a day with a logged strength session is one session, not two
    logged = [*runs, Session(ago(2), "strength", duration_min=30)]
    assert load_metrics(logged, T, done)["strength_sessions_7d"] == 2
    # without a stored plane, the catalogue's (planes) decides
    bare = [DoneItem(ago(3), "side-plank", "strength", {}, None)]
    assert "days_since_cross_plane" not in load_metrics(runs, T, bare)
    assert load_metrics(runs, T, bare, {"side-plank": "frontal"})["days_since_cross_plane"] == 3
    # done work alone (no sessions logged) still gives the counts
    assert load_metrics([], T, done)["days_since_strength"] == 2
    assert load_metrics([], T) == {}


def test_a_strength_session_is_fifteen_minutes_of_strength_work_not_a_few_activation_moves() -> None:
    """Ten minutes of glute activation (given for tight hip flexors) is done work, not the
    strength session the rules ask for; fifteen minutes of it is one; a mark without minutes
    (kept before prehab stored them) counts in full."""

    def mark(day: date, exercise: str, minutes: float | None) -> DoneItem:
        return DoneItem(day, exercise, "strength", {}, None, "sagittal", (), minutes)

    activation = [
        mark(ago(1), "glute-bridge", 3),
        mark(ago(1), "fire-hydrant-band", 4),
        mark(ago(1), "bridge", 3),
    ]
    assert "days_since_strength" not in load_metrics([], T, activation)
    session = [*activation, mark(ago(1), "squat", 5)]
    assert load_metrics([], T, session)["days_since_strength"] == 1
    assert load_metrics([], T, [mark(ago(2), "squat", None)])["days_since_strength"] == 2
    with Store.open() as store:
        for d in activation:
            store.mark_done(d.day, d.exercise, [], kind="strength", minutes=d.minutes)
        assert not facts_for_day(None, store, Settings(), T)[0].get("days_since_strength")
        store.mark_done(ago(1), "squat", [], kind="strength", minutes=5)
        assert facts_for_day(None, store, Settings(), T)[0]["days_since_strength"] == 1


def test_the_strength_streak_counts_days_of_done_strength_work() -> None:
    logged = [Session(ago(1), "strength"), Session(ago(8), "strength")]
    assert strength_streak_weeks(logged, T) == 0
    done = [item(3, "squat", "strength"), item(10, "squat", "strength"), item(1, "plank", "strength")]
    assert strength_streak_weeks(logged, T, done) == 2  # day -1 counted once, not twice
    with Store.open() as store:
        for s in logged:
            store.add_session(s)
        for d in done:
            store.mark_done(d.day, d.exercise, [], kind=d.kind, dose=d.dose)
        facts = facts_for_day(None, store, Settings(), T)
    athlete = next(f for f in facts if f["fact"] == "athlete")
    assert athlete["strength_weeks"] == 2


def test_build_facts_and_facts_from_history_agree_on_done_work() -> None:
    done = [item(1, "squat", "strength"), item(1, "calf-stretch", "mobility")]
    with Store.open() as store:
        store.add_session(Session(ago(1), "easy", 8))
        for d in done:
            store.mark_done(d.day, d.exercise, [], kind=d.kind, dose=d.dose, plane=d.plane)
        stored = facts_for_day(None, store, Settings(), T)
    built = build_facts([Session(ago(1), "easy", 8)], Settings(), T, None, done=done)
    assert stored[0] == built[0]
    assert stored[0]["days_since_strength"] == 1 and stored[0]["days_since_mobility"] == 1


def test_prehab_done_ends_strength_never_logged(capsys: pytest.CaptureFixture[str]) -> None:
    """The runner marks today's strength work done: today's plan stays as it was (a tick never
    re-plans the day), and from tomorrow "no strength session in your log yet" is gone, as
    after logging a strength session."""
    today = date.today()
    log_easy_runs(capsys, 1, 3, 5)
    code, out, _ = run(capsys, "recommend", "--json")
    assert "strength-never-logged" in json.loads(out)["fired"]
    code, out, _ = run(capsys, "done")
    assert code == 0 and "[ ]" in out and "0 of" in out
    code, out, _ = run(capsys, "done", "--all")
    assert code == 0 and out.count("done: ") >= 1
    code, out, _ = run(capsys, "recommend", "--json")
    assert "strength-never-logged" in json.loads(out)["fired"]  # today is as committed
    assert all(i["done"] for i in json.loads(out)["today"])
    tomorrow = (today + timedelta(days=1)).isoformat()
    code, out, _ = run(capsys, "recommend", "--json", "--date", tomorrow)
    fired = json.loads(out)["fired"]
    assert "strength-never-logged" not in fired and "strength-due" not in fired
    notes = " ".join(n["text"] for n in json.loads(out)["notes"])
    assert "not one strength session" not in notes
    with Store.open() as store:
        assert {d.kind for d in store.done_items(today)} <= {"strength", "plyometric", "mobility"}
        assert all(d.dose for d in store.done_items(today))


def test_prehab_done_by_number_name_and_id_and_undo(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "log", "--kind", "easy", "--distance", "8", "--date", "yesterday")
    code, out, _ = run(capsys, "done")
    lines = [line for line in out.splitlines() if "[ ]" in line]
    assert code == 0 and len(lines) >= 3
    first_id = lines[0].rsplit(", ", 1)[1].rstrip(")")
    second_name = lines[1].split("] ", 1)[1].split("  ")[0]
    code, out, _ = run(capsys, "done", "1", second_name.lower())
    assert code == 0 and out.count("done: ") == 2
    with Store.open() as store:
        marked = store.done_on(date.today())
    assert first_id in marked and len(marked) == 2
    code, out, _ = run(capsys, "done", "--undo", first_id)
    assert code == 0 and "not done:" in out
    code, _, err = run(capsys, "done", "no-such-exercise")
    assert code == 2 and "not in the plan or the catalogue" in err
    code, _, err = run(capsys, "done", "pigeon-pose")  # in the catalogue, not in the plan: on purpose only
    assert code == 2 and "prehab done --extra pigeon-pose" in err
    code, out, _ = run(capsys, "done", "--extra", "pigeon-pose")
    assert code == 0 and "done (not in the plan, on purpose): Pigeon pose" in out
    assert "also done (not in the plan): pigeon-pose" in run(capsys, "done")[1]
    code, _, err = run(capsys, "done", "--date", (date.today() + timedelta(days=1)).isoformat(), "1")
    assert code == 2 and "future" in err


# -- undo --------------------------------------------------------------------------------------


def test_soft_delete_and_restore_every_kind_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with Store.open(path) as store:
        sid = store.add_session(Session(ago(1), "strength", duration_min=30))
        cid = store.add_checkin({"body-map": {}}, [{"fact": "tightness", "region": "calves", "level": 6}])
        did = store.mark_done(ago(1), "squat", [], kind="strength", dose={"sets": 3})
        assert delete_session(store, sid) and delete_checkin(store, cid)
        assert store.unmark_done(ago(1), "squat")
        assert not delete_session(store, sid)  # already deleted
    with Store.open(path) as store:  # a restart: still deleted, still restorable
        assert store.sessions() == [] and store.get_session(sid) is None
        assert store.latest_checkin() is None and store.done_on(ago(1)) == set()
        assert store.done_items(ago(7)) == []
        facts = facts_for_day(None, store, Settings(), T)
        assert "days_since_strength" not in facts[0]
        assert not any(f["fact"] == "tightness" for f in facts)
        assert {(d.kind, d.id) for d in store.deleted()} == {
            ("session", sid),
            ("checkin", cid),
            ("done", did),
        }
        assert len(store.sessions(include_deleted=True)) == 1
        for kind, record in (("session", sid), ("checkin", cid), ("done", did)):
            assert store.restore(kind, record)
            assert not store.restore(kind, record)
        assert store.deleted() == []
    with Store.open(path) as store:
        assert [s.id for s in store.sessions()] == [sid]
        assert store.latest_checkin() is not None and store.done_on(ago(1)) == {"squat"}
        assert facts_for_day(None, store, Settings(), T)[0]["days_since_strength"] == 1
        with pytest.raises(ValueError, match="restore one of"):
            store.restore("athlete", 1)


def test_marking_an_unmarked_item_again_restores_it() -> None:
    with Store.open() as store:
        did = store.mark_done(T, "squat", [], kind="strength", dose={"sets": 3})
        store.unmark_done(T, "squat")
        assert store.mark_done(T, "squat", []) == did
        assert store.done_on(T) == {"squat"} and store.deleted() == []


def test_delete_and_restore_from_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "log", "--kind", "easy", "--distance", "8", "--date", "yesterday")
    sid = out.split("#")[1].split(":")[0]
    code, out, _ = run(capsys, "delete", "session", sid)
    assert code == 0 and f"prehab restore session {sid}" in out
    code, out, _ = run(capsys, "history")
    assert "no sessions yet" in out
    code, out, _ = run(capsys, "history", "--deleted")
    assert code == 0 and "session" in out and f"prehab restore session {sid}" in out
    code, out, _ = run(capsys, "history", "--deleted", "--json")
    assert json.loads(out)[0]["kind"] == "session"
    code, out, _ = run(capsys, "restore", "session", sid)
    assert code == 0 and f"restored session #{sid}" in out
    code, out, _ = run(capsys, "history", "--json")
    assert len(json.loads(out)) == 1
    code, _, err = run(capsys, "restore", "session", sid)
    assert code == 2 and "history --deleted" in err
    code, _, err = run(capsys, "delete", "checkin", "99")
    assert code == 2 and "no checkin #99" in err
    with Store.open() as store:
        cid = store.add_checkin({}, [])
    code, out, _ = run(capsys, "history", "--checkins")
    assert f"{cid} " in out
    assert run(capsys, "delete", "checkin", str(cid))[0] == 0
    assert run(capsys, "restore", "checkin", str(cid))[0] == 0


def test_export_and_restore_keep_deleted_records_done_details_and_the_advice_log(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prehab.store.records import AdviceRecord

    with Store.open() as store:
        gone = store.add_session(Session(ago(2), "easy", 5.0))
        store.add_session(Session(ago(1), "tempo", 9.0, rpe=7))
        delete_session(store, gone)
        old = store.add_checkin({"a": {}}, [], taken_at=at(ago(3), 8))
        store.add_checkin({"b": {}}, [{"fact": "effort", "rpe": 6}], taken_at=at(ago(1), 8))
        delete_checkin(store, old)
        dose = {"sets": 3, "reps": 8}
        store.mark_done(ago(2), "squat", ["r"], kind="strength", dose=dose, plane="sagittal",
                        loads=["quadriceps"], minutes=6)  # fmt: skip
        store.mark_done(ago(2), "plank", [], kind="strength", dose={"sets": 2})
        store.unmark_done(ago(2), "plank")
        items = [{"exercise": "squat", "name": "Squat", "kind": "strength", "dose": {"sets": 3}, "minutes": 6,
                  "rules": ["r"], "why": {"r": [{"fact": "load", "days_since_strength": 4}]}}]  # fmt: skip
        store.log_advice(AdviceRecord(ago(2), at(ago(2), 7), "f1", items, ["r"], []))
    backup = tmp_path / "backup.toml"
    assert run(capsys, "export", "-o", str(backup))[0] == 0
    data = tomllib.loads(backup.read_text())
    assert [s.get("deleted_at") is not None for s in data["session"]] == [True, False]
    assert data["advice"][0]["items"][0]["why"]["r"][0]["days_since_strength"] == 4
    code, out, _ = run(capsys, "export", "--format", "csv")
    assert code == 0 and len(out.strip().splitlines()) == 2  # the header and the one live session

    monkeypatch.setenv("PREHAB_DATA_DIR", str(tmp_path / "elsewhere"))
    for _ in range(2):  # restoring twice adds nothing the second time
        assert run(capsys, "import", str(backup))[0] == 0
    with Store.open() as store:
        assert [s.kind for s in store.sessions()] == ["tempo"]
        assert [(d.kind, d.id > 0) for d in store.deleted()].count(("session", True)) == 1
        assert len(store.checkins(limit=10)) == 1 and len(store.checkins(limit=10, include_deleted=True)) == 2
        [squat] = store.done_items(ago(7))
        assert (squat.exercise, squat.dose, squat.loads, squat.minutes, squat.rpe) == (
            "squat", {"sets": 3, "reps": 8}, ("quadriceps",), 6.0, 6
        )  # fmt: skip
        assert {d.what for d in store.deleted()} >= {"done: plank"}
        [plan] = store.advice_log()
        assert (plan.day, plan.fingerprint, plan.exercises) == (ago(2), "f1", ["squat"])

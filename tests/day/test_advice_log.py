"""The advice log (issue 10, item 5): each day's plan kept once, replaced when it changes, listed
by ``prehab history --advice``; what changed since the last plan, and why."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from tests.cli_support import log_easy_runs, run

from prehab.store import Session, Store
from prehab.store.advicelog import fact_change, plan_changes
from prehab.store.records import AdviceRecord

T = date(2026, 11, 26)


def plan_item(exercise: str, rules: list[str], why: dict[str, list[dict[str, object]]] | None = None) -> dict:
    return {
        "exercise": exercise, "name": exercise.replace("-", " ").title(), "kind": "strength",
        "dose": {"sets": 3}, "minutes": 4, "rules": rules, "why": why or {},
    }  # fmt: skip


def record(day: date, items: list[dict], rules: list[str], held: list[dict] | None = None) -> AdviceRecord:
    return AdviceRecord(
        day, datetime(day.year, day.month, day.day, 7, tzinfo=UTC), "fp", items, rules, held or []
    )


def test_recommend_keeps_one_plan_a_day_replaced_when_it_changes(capsys: pytest.CaptureFixture[str]) -> None:
    today = date.today()
    log_easy_runs(capsys, 1, 3)
    assert run(capsys, "recommend")[0] == 0
    assert run(capsys, "recommend", "--json")[0] == 0
    with Store.open() as store:
        [first] = store.advice_log()
    assert first.day == today and first.items and first.fingerprint and first.rule_ids
    assert all({"exercise", "dose", "minutes", "rules"} <= set(i) for i in first.items)
    # a what-if (another budget, a facts file) is not the day's plan: not kept
    run(capsys, "recommend", "--budget", "5")
    with Store.open() as store:
        assert store.advice(today) == first
    # the plan changes (a long run today): the day's row is replaced, not added
    run(capsys, "log", "--kind", "long", "--distance", "30")
    run(capsys, "recommend", "--json")
    with Store.open() as store:
        [second] = store.advice_log()
    assert second.day == today and (second.items, second.rule_ids) != (first.items, first.rule_ids)
    code, out, _ = run(capsys, "history", "--advice")
    assert code == 0 and today.isoformat() in out and f"0/{len(second.items)}" in out
    code, out, _ = run(capsys, "history", "--advice", "--json")
    rows = json.loads(out)
    assert rows[0]["day"] == today.isoformat() and rows[0]["fingerprint"] == second.fingerprint


def test_history_advice_counts_what_was_done(capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open() as store:
        store.log_advice(record(T, [plan_item("squat", ["r"]), plan_item("plank", ["r"])], ["r"]))
        store.mark_done(T, "squat", ["r"], kind="strength", dose={"sets": 3})
        store.mark_done(T, "pigeon-pose", [], kind="mobility", dose={})  # not prescribed: not counted
    code, out, _ = run(capsys, "history", "--advice")
    assert code == 0 and "1/2" in out and "squat, plank" in out
    code, out, _ = run(capsys, "history", "--advice", "--json")
    assert json.loads(out)[0]["done"] == ["squat"]


def test_what_changed_names_the_rule_the_hold_the_budget_and_the_fact() -> None:
    before = record(
        T - timedelta(days=1),
        [
            plan_item("calf-raise", ["calves-tight"], {"calves-tight": [
                {"fact": "tightness", "region": "calves", "level": 6}]}),
            plan_item("pigeon-pose", ["hips-tight"], {"hips-tight": [
                {"fact": "tightness", "region": "hip_rotators", "level": 5}]}),
            plan_item("squat", ["strength-due"], {"strength-due": [
                {"fact": "load", "days_since_strength": 4}]}),
            plan_item("plank", ["core"]),
            plan_item("lunge", ["legs"]),
        ],
        ["calves-tight", "hips-tight", "strength-due", "core", "legs"],
        [{"exercise": "side-plank", "name": "Side plank", "why": "time"}],
    )  # fmt: skip
    now = record(
        T,
        [
            plan_item("nordic-curl", ["hamstrings-weak"], {"hamstrings-weak": [
                {"fact": "answer", "question": "weak_hamstrings", "value": True}]}),
            plan_item("side-plank", ["core"]),
            plan_item("lunge", ["legs"]),
        ],
        ["hamstrings-weak", "core", "legs", "swelling"],
        [
            {"exercise": "calf-raise", "name": "Calf raise", "why": "held", "rule": "swelling",
             "title": "Swelling: see a professional"},
            {"exercise": "plank", "name": "Plank", "why": "time"},
        ],
    )  # fmt: skip
    facts = [
        {"fact": "tightness", "region": "calves", "level": 6},
        {"fact": "load", "days_since_strength": 0},
    ]
    changes = {(c.sign, c.exercise): c for c in plan_changes(before, now, facts, flags=[])}
    assert set(changes) == {
        ("+", "nordic-curl"), ("+", "side-plank"),
        ("-", "calf-raise"), ("-", "pigeon-pose"), ("-", "squat"), ("-", "plank"),
    }  # fmt: skip
    assert changes["+", "nordic-curl"].why == "added by hamstrings-weak: answer weak hamstrings value True"
    assert changes["+", "side-plank"].why == "now fits your time budget"
    assert changes["-", "calf-raise"].why == "held by swelling: Swelling: see a professional"
    assert changes["-", "calf-raise"].rules == ["swelling"]
    assert (
        changes["-", "pigeon-pose"].why
        == "hips-tight no longer applies: tightness hip rotators no longer reported"
    )
    assert changes["-", "squat"].why == "strength-due no longer applies: load: days since strength 4 -> 0"
    assert changes["-", "plank"].why.startswith("over today's time budget")
    assert fact_change({"fact": "flag", "name": "strength-due"}, [], {"strength-due"}) == ""
    assert (
        fact_change({"fact": "flag", "name": "strength-due"}, [], set())
        == "flag strength-due no longer raised"
    )


def test_a_history_that_cannot_be_written_still_advises(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from prehab.store import dayplans, db

    run(capsys, "log", "--kind", "easy", "--distance", "8", "--date", "yesterday")

    def refuse(*args: object) -> None:
        raise db.StoreBusy("the history is busy")

    monkeypatch.setattr(dayplans, "commit_in", refuse)
    code, out, _ = run(capsys, "recommend")
    assert code == 0 and "today" in out.lower()
    with Store.open() as store:
        assert store.advice(date.today()) is None  # shown, not kept


def test_advice_log_rows_read_back_in_order() -> None:
    with Store.open() as store:
        for days in (3, 1, 2):
            store.log_advice(record(T - timedelta(days=days), [plan_item("squat", ["r"])], ["r"]))
        store.add_session(Session(T, "easy", 5))
        assert [a.day for a in store.advice_log()] == [T - timedelta(days=d) for d in (1, 2, 3)]
        assert store.last_advice_before(T) is not None
        assert store.last_advice_before(T - timedelta(days=1)) == store.advice(T - timedelta(days=2))
        assert store.advice_log(since=T - timedelta(days=2), limit=1)[0].day == T - timedelta(days=1)

"""``prehab.record``: what every record type in prehab relies on, checked on small classes."""

from __future__ import annotations

import copy
import pickle
from typing import ClassVar

import pytest

from prehab.record import Record, field, fields, replace


class Dose(Record, frozen=True):
    exercise: str
    sets: int = 3
    notes: tuple[str, ...] = field(default_factory=tuple)
    LIMIT: ClassVar[int] = 10


class Counter(Record):
    name: str
    seen: list[str] = field(default_factory=list)


class Checked(Record):
    value: int
    doubled: int = 0

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("negative")
        self.doubled = self.value * 2


def test_fields_in_order_with_defaults_and_factories() -> None:
    assert [f.name for f in fields(Dose)] == ["exercise", "sets", "notes"]
    assert Dose("squat") == Dose("squat", 3, ())
    assert Dose(sets=2, exercise="squat").sets == 2
    assert Dose.LIMIT == 10 and "LIMIT" not in Dose.__record_fields__
    assert Dose.__match_args__ == ("exercise", "sets", "notes")


def test_a_factory_gives_each_record_its_own_value() -> None:
    one, two = Counter("a"), Counter("b")
    one.seen.append("x")
    assert two.seen == []


def test_frozen_records_refuse_changes_and_hash_by_value() -> None:
    dose = Dose("squat")
    with pytest.raises(AttributeError):
        dose.sets = 4  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del dose.sets
    assert hash(dose) == hash(Dose("squat")) and len({dose, Dose("squat"), Dose("lunge")}) == 2


def test_mutable_records_change_and_have_no_hash() -> None:
    counter = Counter("a")
    counter.name = "b"
    assert counter == Counter("b")
    with pytest.raises(TypeError):
        hash(counter)


def test_no_stray_attributes() -> None:
    with pytest.raises(AttributeError):
        Counter("a").nmae = "typo"  # type: ignore[attr-defined]


def test_equality_needs_the_same_class() -> None:
    class Other(Record, frozen=True):
        exercise: str
        sets: int = 3
        notes: tuple[str, ...] = ()

    assert Dose("squat") != Other("squat")
    assert Dose("squat") != ("squat", 3, ())


def test_bad_arguments_are_the_errors_a_function_gives() -> None:
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'exercise'"):
        Dose()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'set'"):
        Dose("squat", set=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for argument 'exercise'"):
        Dose("squat", exercise="lunge")  # type: ignore[misc]
    with pytest.raises(TypeError, match="positional arguments"):
        Dose("squat", 3, (), "extra")  # type: ignore[call-arg]


def test_a_field_without_a_default_cannot_follow_one_with() -> None:
    with pytest.raises(TypeError, match="without a default follows"):

        class Bad(Record):
            a: int = 1
            b: int  # type: ignore[misc]


def test_post_init_runs_after_the_fields_are_set() -> None:
    assert Checked(4).doubled == 8
    with pytest.raises(ValueError):
        Checked(-1)


def test_replace_copies_with_changes_and_refuses_unknown_names() -> None:
    dose = Dose("squat", notes=("slow",))
    assert replace(dose, sets=5) == Dose("squat", 5, ("slow",)) and dose.sets == 3
    with pytest.raises(TypeError):
        replace(dose, reps=5)


def test_repr_pickle_and_copy() -> None:
    dose = Dose("squat", 2)
    assert repr(dose) == "Dose(exercise='squat', sets=2, notes=())"
    assert pickle.loads(pickle.dumps(dose)) == dose
    counter = Counter("a", ["x"])
    deep = copy.deepcopy(counter)
    assert deep == counter and deep.seen is not counter.seen


def test_an_init_written_in_a_base_makes_the_subclass_records_too() -> None:
    class Built(Record):
        value: int

        def __init__(self, value: int) -> None:
            object.__setattr__(self, "value", value * 10)

    class Child(Built):
        pass

    assert Built(2).value == 20 and Child(2).value == 20


def test_the_ready_made_inits_are_what_the_template_makes() -> None:
    """``prehab/record_inits.py`` is generated: a change to the template must be written out."""
    from pathlib import Path

    import prehab.record as record

    written = Path(record.__file__).with_name("record_inits.py").read_text(encoding="utf-8")
    assert written == record.inits_module(), (
        'write it again: python -c "from prehab.record import write_inits; write_inits()"'
    )


def test_a_start_compiles_no_init_for_records_of_up_to_24_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    import prehab.record as record

    monkeypatch.setattr(record, "_SHAPES", {})
    compiled: list[str] = []
    real = builtins.compile

    def counting(source: object, *args: object, **kwargs: object) -> object:
        compiled.append(str(source))
        return real(source, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "compile", counting)
    names = [f"f{i}" for i in range(25)]
    small = record.RecordMeta("Small", (Record,), {"__annotations__": dict.fromkeys(names[:24], "int")})
    made = small(*range(24))
    assert made.f23 == 23 and compiled == []
    large = record.RecordMeta("Large", (Record,), {"__annotations__": dict.fromkeys(names, "int")})
    assert large(*range(25)).f24 == 24 and len(compiled) == 1  # a larger record compiles its own


def test_a_factory_field_given_by_keyword_or_left_out() -> None:
    assert Counter(name="a", seen=["x"]).seen == ["x"]
    assert Counter("a").seen == [] and Counter("a").seen is not Counter("b").seen
    assert Checked(2).doubled == 4  # __post_init__ follows the ready-made init
    with pytest.raises(TypeError):
        Counter("a", ["x"], "extra")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Counter(nme="a")  # type: ignore[call-arg]

"""Record types: classes of named fields, cheap to define and to import (issue 21).

Every plain-data class in prehab is a ``Record``: ``class Problem(Record, frozen=True)`` with
annotated fields, as a dataclass would be written. Why not a dataclass or a library: Python 3.11
builds each dataclass's methods with ``exec`` when its module is imported (about 1 ms a class,
and prehab has over a hundred), and msgspec, which did it in C, took 35 ms of CPU to import on
every command (it loads ``typing_extensions``, ``inspect``, ``uuid``, ``decimal`` and its JSON,
MessagePack, TOML and YAML modules): more than ``prehab recommend`` may spend on its own work
(README, Start-up). Here a class costs a few microseconds to define, and its ``__init__`` is
made when its first record is: compiled code shared by every record class of the same shape,
given the class's field names (``_make_init``).

What a record is, as the code relies on it:
- fields in annotation order, positional or by keyword, defaults by value or by
  ``field(default_factory=...)``; ``ClassVar`` annotations are not fields;
- ``__slots__``, so no stray attributes; ``frozen=True`` refuses assignment and gives a hash
  over the fields but those declared ``field(hash=False)`` (a table: compared, never hashed);
- ``==`` compares records of the same class field by field; a mutable record has no hash;
- ``__post_init__`` runs after ``__init__`` when the class defines it;
- ``replace`` copies with changes, ``fields`` lists the fields, ``__match_args__`` is set.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from types import CodeType, FunctionType
from typing import Any, ClassVar, TypeVar, dataclass_transform, overload

T = TypeVar("T")
R = TypeVar("R", bound="Record")


class _Missing:
    """No default: the field must be given."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Field:
    """A field's name, its default (``MISSING`` when it has none) and whether a frozen record's
    hash includes it."""

    __slots__ = ("name", "default", "default_factory", "hash")

    def __init__(
        self, name: str, default: Any = MISSING, default_factory: Any = MISSING, hash: bool = True
    ) -> None:
        self.name = name
        self.default = default
        self.default_factory = default_factory
        self.hash = hash

    def __repr__(self) -> str:
        return f"Field({self.name!r})"


@overload
def field(*, default: T, hash: bool = True) -> T: ...
@overload
def field(*, default_factory: Callable[[], T], hash: bool = True) -> T: ...
@overload
def field(*, hash: bool) -> Any: ...
def field(*, default: Any = MISSING, default_factory: Any = MISSING, hash: bool = True) -> Any:
    """A field's default when a plain value will not do (``field(default_factory=list)``), or a
    field a frozen record's hash leaves out (``field(hash=False)``: a table, compared by ``==``
    with the rest but never hashed)."""
    if default is not MISSING and default_factory is not MISSING:
        raise TypeError("give a default or a default_factory, not both")
    return Field("", default, default_factory, hash)


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or getattr(annotation, "__origin__", None) is ClassVar


@dataclass_transform(field_specifiers=(field,))
class RecordMeta(type):
    """Collects a record class's fields, gives it slots and its comparison methods."""

    def __new__(
        mcls, name: str, bases: tuple[type, ...], ns: dict[str, Any], *, frozen: bool = False
    ) -> RecordMeta:
        inherited: list[Field] = []
        for base in bases:
            inherited += getattr(base, "__record_field_specs__", ())
        own: list[Field] = []
        for fname, annotation in ns.get("__annotations__", {}).items():
            if _is_classvar(annotation):
                continue
            if fname == "self":  # the name of __init__'s first parameter
                raise TypeError(f"{name}: a field cannot be called 'self'")
            value = ns.pop(fname, MISSING)
            if isinstance(value, Field):
                own.append(Field(fname, value.default, value.default_factory, value.hash))
            else:
                own.append(Field(fname, value))
        specs = tuple(inherited + own)
        defaulted = False
        for spec in specs:
            if spec.default is MISSING and spec.default_factory is MISSING:
                if defaulted:
                    raise TypeError(f"{name}: field {spec.name!r} without a default follows one with")
            else:
                defaulted = True
        names = tuple(s.name for s in specs)
        ns["__slots__"] = tuple(s.name for s in own)
        ns["__record_field_specs__"] = specs
        ns["__record_fields__"] = names
        ns["__match_args__"] = names
        if bases and frozen:
            ns.setdefault("__hash__", _hash)
            ns.setdefault("__setattr__", _refuse_set)
            ns.setdefault("__delattr__", _refuse_delete)
        cls = super().__new__(mcls, name, bases, ns)
        cls.__record_values__ = staticmethod(_values_getter(names))  # type: ignore[attr-defined]
        hashed = tuple(s.name for s in specs if s.hash)
        cls.__record_hashed__ = staticmethod(_values_getter(hashed))  # type: ignore[attr-defined]
        cls.__record_own_init__ = bool(bases) and "__init__" in ns  # type: ignore[attr-defined]
        if bases and not only_sets_fields(cls, ignore_post_init=True):
            return cls  # an __init__ written here or in a base: that one makes the records
        if bases:
            type.__setattr__(cls, "__init__", _first_init)
        return cls


def _values_getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A C-speed getter of a record's field values as a tuple."""
    if not names:
        return lambda record: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda record: (one(record),)
    return attrgetter(*names)


_SHAPES: dict[tuple[int, bool], CodeType] = {}
"""Compiled ``__init__`` code by shape: the number of fields, and whether ``__post_init__``
follows. Records of one shape share it, renamed per class."""
INITS_MADE = 24
"""Shapes up to this many fields come ready-made in ``prehab.record_inits`` (its cached bytecode:
compiling a shape at start-up cost about 0.1 ms, and a ``recommend`` met 27 of them); a larger
record compiles its own. ``tests/test_record.py`` keeps that module equal to ``inits_source``."""


def _init_name(count: int, post: bool) -> str:
    """The template's name in ``prehab.record_inits``: ``n3``, or ``p3`` with ``__post_init__``."""
    return f"{'p' if post else 'n'}{count}"


def inits_source(count: int, post: bool) -> str:
    """The source of the ``__init__`` for records of ``count`` fields: each value set straight
    into its slot (``_s0``... in the function's globals, given per class by ``_make_init``)."""
    steps = [f"_s{i}(self, _{i})" for i in range(count)] + (["self.__post_init__()"] if post else [])
    params = "".join(f", _{i}" for i in range(count))
    return f"def {_init_name(count, post)}(self{params}): {'; '.join(steps) or 'pass'}\n"


def inits_module() -> str:
    """The text of ``prehab/record_inits.py``: every shape up to ``INITS_MADE`` fields. Write it
    again with ``python -c "from prehab.record import write_inits; write_inits()"``."""
    head = (
        '"""Ready-made ``__init__`` code for records of up to 24 fields (``prehab.record``).\n\n'
        "Generated by ``prehab.record.inits_module``: do not edit (``tests/test_record.py`` keeps it\n"
        "equal). Each function is a template whose code ``_make_init`` renames with a record class's\n"
        "fields and runs with its slot setters (``_s0``...); nothing here runs as it stands.\n"
        '"""\n\n# ruff: noqa\n# mypy: ignore-errors\n\n'
    )
    shapes = [(count, post) for post in (False, True) for count in range(INITS_MADE + 1)]
    functions = "".join(inits_source(count, post) for count, post in shapes)
    table = "".join(f"    ({count}, {post}): {_init_name(count, post)}.__code__,\n" for count, post in shapes)
    return f"{head}{functions}\nSHAPES = {{\n{table}}}\n"


def write_inits() -> None:
    """Write ``prehab/record_inits.py`` from ``inits_module`` (after changing the template)."""
    from pathlib import Path

    Path(__file__).with_name("record_inits.py").write_text(inits_module(), encoding="utf-8")


def _shape_code(count: int, post: bool) -> CodeType:
    if not _SHAPES:
        from prehab import record_inits

        _SHAPES.update(record_inits.SHAPES)
    code = _SHAPES.get((count, post))
    if code is None:
        env: dict[str, Any] = {}
        exec(compile(inits_source(count, post), "<record>", "exec"), env)  # prehab's template only
        code = _SHAPES[(count, post)] = env[_init_name(count, post)].__code__
    return code


def _make_init(cls: type) -> Callable[..., None]:
    """``cls.__init__``: its shape's code (``_shape_code``) with the fields' names as its
    parameters, each value set straight into its slot, or for a field with a default factory
    through a setter that calls the factory when no value was given. A few microseconds to
    rename a shape: a dataclass compiles every class's methods, at import."""
    specs: tuple[Field, ...] = cls.__record_field_specs__  # type: ignore[attr-defined]
    code = _shape_code(len(specs), hasattr(cls, "__post_init__")).replace(
        co_name="__init__",
        co_varnames=("self", *(spec.name for spec in specs)),
        co_qualname=f"{cls.__qualname__}.__init__",
    )
    env: dict[str, Any] = {}
    defaults: list[Any] = []
    for i, spec in enumerate(specs):
        setter = _slot_setter(cls, spec.name)
        if spec.default_factory is not MISSING:
            setter = _made_when_missing(setter, spec.default_factory)
            defaults.append(MISSING)
        elif spec.default is not MISSING:
            defaults.append(spec.default)
        env[f"_s{i}"] = setter
    init: Callable[..., None] = FunctionType(code, env, "__init__", tuple(defaults) or None)
    return init


Setter = Callable[[Any, Any], None]


def _made_when_missing(setter: Setter, factory: Callable[[], Any]) -> Setter:
    """A slot setter for a field with a default factory: a fresh value when none was given."""

    def set_or_make(record: Any, value: Any) -> None:
        setter(record, factory() if value is MISSING else value)

    return set_or_make


def _first_init(self: Any, *args: Any, **kwargs: Any) -> None:
    """Make this class's ``__init__`` (once, when the first record is made), and run it."""
    cls = next(k for k in type(self).__mro__ if k.__dict__.get("__init__") is _first_init)
    init = _make_init(cls)
    type.__setattr__(cls, "__init__", init)
    init(self, *args, **kwargs)


def _slot_setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            setter: Callable[[Any, Any], None] = klass.__dict__[name].__set__
            return setter
    raise TypeError(f"{cls.__name__} has no slot {name!r}")  # pragma: no cover - slots always made


def _values(record: Any) -> tuple[Any, ...]:
    """A record's field values, in order (the class's C getter)."""
    values: tuple[Any, ...] = record.__record_values__(record)
    return values


def _hash(self: Any) -> int:
    hashed: tuple[Any, ...] = self.__record_hashed__(self)  # every field but ``field(hash=False)``
    return hash(hashed)


def _refuse_set(self: Any, name: str, value: Any) -> None:
    raise AttributeError(f"immutable type: {type(self).__name__!r}")


def _refuse_delete(self: Any, name: str) -> None:
    raise AttributeError(f"immutable type: {type(self).__name__!r}")


class Record(metaclass=RecordMeta):
    """The base of every record type (see the module's docstring)."""

    __slots__ = ()
    __record_fields__: ClassVar[tuple[str, ...]]
    __record_field_specs__: ClassVar[tuple[Field, ...]]

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(_values(self) == _values(other))

    def __repr__(self) -> str:
        values = _values(self)
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(self.__record_fields__, values, strict=True))
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), _values(self))


def only_sets_fields(cls: type, *, ignore_post_init: bool = False) -> bool:
    """Whether making a record of ``cls`` runs nothing but the generated ``__init__`` (no
    ``__init__`` written in the class or a base, no ``__post_init__``): the pack cache's test."""
    own_init = any(vars(k).get("__record_own_init__", False) for k in cls.__mro__)
    return not own_init and (ignore_post_init or not hasattr(cls, "__post_init__"))


def replace(record: R, /, **changes: Any) -> R:
    """A copy of ``record`` with ``changes`` (unknown names are a TypeError)."""
    values = dict(zip(record.__record_fields__, _values(record), strict=True))
    values.update(changes)
    return type(record)(**values)


def fields(record_or_class: Record | type[Record]) -> tuple[Field, ...]:
    """The fields of a record class (or of a record's class), in order."""
    return record_or_class.__record_field_specs__

"""The checked rule pack in the cache folder: the same answer as a full load, or a full load.

Why: loading and checking the pack was 40 % of a ``recommend``. The cache may make a start
faster but never different: any change to any pack file (the user's overrides included), a
corrupt, foreign or hostile cache file, or a cache folder that cannot be written must each
end in what a load without the cache gives, and never in a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.fs_support import unshare

from prehab.paths import cache_dir, default_rules_dir, user_rules_dir
from prehab.rulebook import default_layers, load_rulebook, packcache
from prehab.rulebook.loader import LoadResult

ROOT = Path(__file__).resolve().parents[2]
RULE = """
[[rule]]
id = "calves"
title = "Tight calves"
when = [ { fact = "tightness", region = "calves", level = { at_least = 5 } } ]
then.prescribe = [ { exercise = "calf-stretch", dose = { sets = 2 } } ]
why = "w"
source = "s"
[[rule.example]]
given = [ { fact = "tightness", region = "calves", level = 9 } ]
expect.fires = ["calves"]
"""


def cached_files() -> list[Path]:
    folder = packcache.cache_folder()
    return sorted(folder.glob("*.json")) if folder.exists() else []


def rewrite_entry(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """``change`` the payload of the cache entry at ``path`` and write it back with a matching
    CRC: a file that passes the damage check, as only someone writing it on purpose could."""
    import zlib

    head, _, body = path.read_bytes().partition(b"\n")
    data = json.loads(body)
    change(data)
    body = json.dumps(data).encode()
    header = json.loads(head)
    header["crc32"] = zlib.crc32(body)
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)


def same(a: LoadResult, b: LoadResult) -> bool:
    return a.rulebook == b.rulebook and a.problems == b.problems


def test_the_shipped_pack_read_back_is_the_pack_checked() -> None:
    fresh = load_rulebook(default_layers(), cache=False)
    first = load_rulebook(default_layers())  # a miss: checks and stores
    assert len(cached_files()) == 1
    again = load_rulebook(default_layers())  # a hit
    assert same(fresh, first) and same(fresh, again)
    assert again.rulebook is not None and again.rulebook.fingerprint == fresh.rulebook.fingerprint  # type: ignore[union-attr]
    rule = next(iter(again.rulebook.rules.values()))
    assert isinstance(rule.when, tuple) and isinstance(again.rulebook.files[0], Path)


def test_a_hit_reads_no_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    load_rulebook(default_layers())
    import prehab.rulebook.loader as loader

    def refuse(*_: object) -> None:
        raise AssertionError("parsed on a hit")

    monkeypatch.setattr(loader, "parse_toml", refuse)
    assert load_rulebook(default_layers()).rulebook is not None


def test_any_change_to_a_pack_file_is_a_new_load(make_pack: Callable[..., Path]) -> None:
    pack = make_pack(RULE)
    first = load_rulebook([pack])
    assert first.rulebook is not None and first.rulebook.rules["calves"].when[0].tests[1].value == 5
    (pack / "rules.toml").write_text(RULE.replace("at_least = 5", "at_least = 6"), encoding="utf-8")
    changed = load_rulebook([pack])
    assert changed.rulebook is not None and changed.rulebook.rules["calves"].when[0].tests[1].value == 6
    assert same(changed, load_rulebook([pack], cache=False))
    (pack / "rules.toml").write_text(RULE.replace("at_least = 5", "at_least = 5 "), encoding="utf-8")
    assert load_rulebook([pack]).rulebook.fingerprint != first.rulebook.fingerprint  # type: ignore[union-attr]


def test_a_user_override_file_is_part_of_the_key() -> None:
    plain = load_rulebook(default_layers())
    user_rules_dir().mkdir(parents=True)
    (user_rules_dir() / "mine.toml").write_text('[[override]]\nid = "strength-due"\nenabled = false\n')
    mine = load_rulebook(default_layers())
    assert mine.rulebook is not None and "strength-due" in mine.rulebook.disabled
    assert plain.rulebook is not None and "strength-due" not in plain.rulebook.disabled
    (user_rules_dir() / "mine.toml").unlink()
    assert load_rulebook(default_layers()).rulebook == plain.rulebook


def test_problems_are_kept_with_their_lines_for_rules_check(make_pack: Callable[..., Path]) -> None:
    pack = make_pack(RULE.replace('exercise = "calf-stretch"', 'exercise = "calf-strech"'))
    fresh = load_rulebook([pack], cache=False)
    assert fresh.rulebook is None and fresh.errors and fresh.errors[0].line
    load_rulebook([pack])
    assert same(load_rulebook([pack]), fresh) and len(cached_files()) == 1


@pytest.mark.parametrize(
    "spoil",
    [
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: b"",  # empty
        lambda raw: b"\x00\xff garbage",  # not text
        lambda raw: raw.replace(b'"calves"', b'"calvez"'),  # changed, header left alone
        lambda raw: b'{"format": "prehab-pack-cache"}\n' + raw.partition(b"\n")[2],  # no key
        lambda raw: pickle_like(),  # another program's file
    ],
    ids=["truncated", "empty", "binary", "changed", "headerless", "foreign"],
)
def test_a_corrupt_cache_file_means_a_normal_load(
    make_pack: Callable[..., Path], spoil: Callable[[bytes], bytes]
) -> None:
    pack = make_pack(RULE)
    fresh = load_rulebook([pack], cache=False)
    load_rulebook([pack])
    (path,) = cached_files()
    path.write_bytes(spoil(path.read_bytes()))
    assert same(load_rulebook([pack]), fresh)
    assert same(load_rulebook([pack]), fresh)  # rewritten good


def pickle_like() -> bytes:
    import pickle

    return pickle.dumps({"book": None, "problems": []})


def test_a_cache_file_of_another_pack_is_not_taken(make_pack: Callable[..., Path]) -> None:
    one = make_pack(RULE, name="one")
    two = make_pack(RULE.replace("at_least = 5", "at_least = 7"), name="two")
    load_rulebook([one])
    (first,) = cached_files()
    fresh = load_rulebook([two], cache=False)
    key_two = packcache.key([(0, p, p.read_bytes()) for p in sorted(two.glob("*.toml"))], 1)
    (packcache.cache_folder() / (key_two[:40] + ".json")).write_bytes(first.read_bytes())
    assert same(load_rulebook([two]), fresh)


def test_a_hostile_cache_file_cannot_make_objects_it_does_not_know(make_pack: Callable[..., Path]) -> None:
    pack = make_pack(RULE)
    fresh = load_rulebook([pack], cache=False)
    load_rulebook([pack])
    (path,) = cached_files()

    def hostile(data: dict[str, Any]) -> None:
        data["book"] = ["os.system", "echo owned"]

    rewrite_entry(path, hostile)
    assert same(load_rulebook([pack]), fresh)


def test_an_unwritable_cache_folder_means_a_normal_load(
    make_pack: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("PREHAB_CACHE_DIR", str(blocker / "cache"))  # mkdir fails, even as root
    pack = make_pack(RULE)
    assert same(load_rulebook([pack]), load_rulebook([pack], cache=False))
    assert packcache.write("0" * 64, load_rulebook([pack])) is False


def test_a_read_only_cache_folder_gives_the_same_advice(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    prehab = [
        sys.executable,
        "-m",
        "prehab",
        "recommend",
        "--json",
        "--facts",
        str(ROOT / "examples/runner.toml"),
    ]
    normal = subprocess.run(prehab, capture_output=True, text=True, env=env, timeout=120)
    assert normal.returncode == 0 and len(cached_files()) == 2  # the pack, the verdict (no screens)
    folder = cache_dir()
    script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && "$@"'
    for stale in cached_files():
        stale.write_text("not json")  # bad files it cannot replace either
    ro = subprocess.run(
        [*unshare(), "sh", "-c", script, "sh", str(folder), *prehab],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in ro.stderr, ro.stderr
    assert ro.returncode == 0 and ro.stdout == normal.stdout
    assert stale.read_text() == "not json"  # proof the folder was read-only


def test_only_a_few_packs_are_kept(make_pack: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packcache, "KEEP", 3)
    pack = make_pack(RULE)
    for level in range(5, 10):
        (pack / "rules.toml").write_text(
            RULE.replace("at_least = 5", f"at_least = {level}"), encoding="utf-8"
        )
        load_rulebook([pack])
    assert len(cached_files()) == 3


def test_the_shipped_pack_key_changes_with_a_byte(tmp_path: Path) -> None:
    files = [(0, p, p.read_bytes()) for p in sorted(default_rules_dir().glob("*.toml"))]
    base = packcache.key(files, 1)
    assert packcache.key(files, 0) != base
    index, path, data = files[0]
    assert packcache.key([(index, path, data + b" "), *files[1:]], 1) != base
    assert packcache.key([(1, path, data), *files[1:]], 1) != base


def test_screens_read_back_are_the_screens_checked() -> None:
    from prehab.paths import user_screens_dir
    from prehab.questionnaire import load_screens

    book = load_rulebook(default_layers()).rulebook
    assert book is not None
    fresh = load_screens(book.schema, cache=False)
    load_screens(book.schema)
    again = load_screens(book.schema)
    assert again.screens == fresh.screens and again.problems == fresh.problems and fresh.screens
    user_screens_dir().mkdir(parents=True)
    (user_screens_dir() / "mine.toml").write_text(
        '[screen]\nid = "mine"\ntitle = "Mine"\n[[question]]\nid = "q"\nprompt = "?"\nkind = "yesno"\n'
    )
    mine = load_screens(book.schema)
    assert mine.screens == load_screens(book.schema, cache=False).screens
    assert "mine" in mine.screens or mine.errors  # a change to a screen file is a new load


def test_screens_checked_against_another_schema_are_not_taken(make_pack: Callable[..., Path]) -> None:
    from prehab.questionnaire import load_screens

    shipped = load_rulebook(default_layers()).rulebook
    assert shipped is not None
    load_screens(shipped.schema)
    facts = make_pack(RULE) / "facts.toml"
    facts.write_text(facts.read_text().replace('values = ["', 'values = ["elbows", "', 1))
    other = load_rulebook([facts.parent]).rulebook
    assert other is not None and other.schema != shipped.schema
    fresh = load_screens(other.schema, cache=False)
    assert load_screens(other.schema).problems == fresh.problems


def test_screens_keyed_by_their_pack_are_checked_again_for_another_pack(
    make_pack: Callable[..., Path],
) -> None:
    """The day service and ``recommend`` key the screens by the pack's fingerprint (a digest of
    every pack file, facts.toml included) rather than a digest of the schema: an edited
    schema is a new pack, and its screens are checked against it, not read back."""
    from prehab.questionnaire import load_screens

    shipped = load_rulebook(default_layers()).rulebook
    assert shipped is not None
    first = load_screens(shipped.schema, schema_key=shipped.fingerprint)
    assert first.screens and not first.errors
    facts = make_pack(RULE) / "facts.toml"
    facts.write_text(facts.read_text().replace('values = ["', 'values = ["elbows", "', 1))
    other = load_rulebook([facts.parent]).rulebook
    assert other is not None and other.fingerprint != shipped.fingerprint
    fresh = load_screens(other.schema, cache=False)
    again = load_screens(other.schema, schema_key=other.fingerprint)
    assert again.problems == fresh.problems and again.screens == fresh.screens
    assert len(cached_files()) == 4  # the shipped pack and its screens, the other pack and its screens


def test_the_app_loads_the_pack_once_and_then_from_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's background load reads the pack through the cache: a first start checks it
    once (never twice while the first frame draws), a second start parses no pack file."""
    import asyncio

    import prehab.rulebook.loader as loader
    from prehab.tui.app import PrehabApp

    checked: list[int] = []
    real = loader._load_files

    def counting(*args: Any, **kwargs: Any) -> LoadResult:
        checked.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "_load_files", counting)

    async def start() -> str:
        app = PrehabApp(watch=False, onboarding=False)
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(200):
                await pilot.pause(0.05)
                if app.ready:
                    break
            await pilot.pause()
            assert app.ready
            view = app.state.read()[0]
            app.state.close()
            return repr(view.items)

    first = asyncio.run(start())
    assert len(checked) == 1
    again = asyncio.run(start())
    assert len(checked) == 1 and again == first


def test_the_pack_in_use_is_not_the_one_pushed_out(
    make_pack: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setattr(packcache, "KEEP", 2)
    pack = make_pack(RULE)
    rules = pack / "rules.toml"

    def load(level: int) -> None:
        rules.write_text(RULE.replace("at_least = 5", f"at_least = {level}"), encoding="utf-8")
        load_rulebook([pack])
        time.sleep(0.02)  # distinct modification times

    load(5)
    (in_use,) = cached_files()
    load(6)
    load(5)  # a hit: the entry is used again
    load(7)
    assert in_use in cached_files() and len(cached_files()) == 2


def test_the_stamped_code_is_where_the_stamp_looks() -> None:
    """A module moved out of a stamped folder would silently leave the key: its edits would
    then meet packs and screens its old version checked (``tomlsafe.py`` moved to ``safe/``)."""
    root = Path(packcache.__file__).resolve().parent.parent
    assert all((root / name).exists() for name in packcache._CODE), packcache._CODE
    for module in ("rulebook.loader", "safe.toml", "questionnaire.load", "engine.limits"):
        first = module.split(".")[0]
        assert first in packcache._CODE, module


def test_only_records_that_just_set_their_fields_can_be_stored() -> None:
    """Reading the cache makes records: a class whose making runs code of its own (an
    ``__init__`` written in it or a base, a ``__post_init__``) is refused, and every class in the
    codec's own table passes the same test."""
    from prehab.record import Record, only_sets_fields

    class Checked(Record):
        value: int

        def __post_init__(self) -> None:
            pass

    class Built(Record):
        value: int

        def __init__(self, value: int) -> None:
            object.__setattr__(self, "value", value)

    class Child(Built):
        pass

    for cls in (Checked, Built, Child):
        assert not only_sets_fields(cls)
        with pytest.raises(ValueError, match="runs code of its own"):
            packcache.register("Zz", cls)
    packcache._pack_classes()
    assert all(only_sets_fields(cls) for cls in packcache._CLASSES.values())


def test_examples_read_back_from_the_cache_are_decoded_only_when_used(make_pack: Callable[..., Path]) -> None:
    """A rule's examples stay JSON text until something reads them (issue 21): a start that
    only advises decodes none, and ``rules test`` sees the very examples a full load gives."""
    pack = make_pack(RULE)
    fresh = load_rulebook([pack], cache=False)
    load_rulebook([pack])
    again = load_rulebook([pack])
    assert again.rulebook is not None and fresh.rulebook is not None
    (rule,) = again.rulebook.rules.values()
    (fresh_rule,) = fresh.rulebook.rules.values()
    assert isinstance(rule.examples, packcache.Deferred) and rule.examples._items is None
    assert rule == fresh_rule and rule.examples == fresh_rule.examples  # equal to the tuple it holds
    assert list(rule.examples) == list(fresh_rule.examples) and len(rule.examples) == 1
    assert rule.examples[0].given == fresh_rule.examples[0].given
    assert packcache.write("1" * 64, again)  # a book read back is stored again whole
    assert same(packcache.read("1" * 64), fresh)


def test_a_deferred_field_must_be_the_text_this_code_writes(make_pack: Callable[..., Path]) -> None:
    pack = make_pack(RULE)
    fresh = load_rulebook([pack], cache=False)
    load_rulebook([pack])
    (path,) = cached_files()

    def not_text(data: dict[str, Any]) -> None:
        (rule,) = data["book"][2].values()
        rule[1 + packcache._FIELDS["R"].index("examples")] = ["(."]  # a tuple where the text goes

    rewrite_entry(path, not_text)
    assert same(load_rulebook([pack]), fresh)

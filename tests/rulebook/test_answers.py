"""``prehab.rulebook.answers``: a question name no screen asks is a warning, from a rule's
conditions or its examples, whether the pack was checked now or read back from the cache."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prehab.rulebook import load_rulebook, packcache
from prehab.rulebook.answers import rule_answer_problems

RULES = """
[[rule]]
id = "asks-in-its-example"
title = "An answer in an example"
when = [ { fact = "tightness", region = "calves", level = { at_least = 5 } } ]
then.prescribe = [ { exercise = "calf-stretch" } ]
why = "w"
source = "s"
[[rule.example]]
given = [
  { fact = "tightness", region = "calves", level = 9 },
  { fact = "answer", question = "weak_glutez", value = true },
]
expect.fires = ["asks-in-its-example"]

[[rule]]
id = "no-answers"
title = "No answer anywhere"
when = [ { fact = "tightness", region = "hamstrings", level = { at_least = 5 } } ]
then.prescribe = [ { exercise = "calf-stretch" } ]
why = "w"
source = "s"
[[rule.example]]
given = [ { fact = "tightness", region = "hamstrings", level = 9 } ]
expect.fires = ["no-answers"]
"""


def test_an_unasked_answer_in_an_example_warns_from_a_fresh_load_and_from_the_cache(
    make_pack: Callable[..., Path],
) -> None:
    pack = make_pack(RULES)
    fresh = load_rulebook([pack], cache=False).rulebook
    load_rulebook([pack])
    cached = load_rulebook([pack]).rulebook
    assert fresh is not None and cached is not None
    assert isinstance(cached.rules["no-answers"].examples, packcache.Deferred)
    for book in (fresh, cached):
        (warning,) = rule_answer_problems(book, {"weak_glutes"})
        assert warning.path == "rule.asks-in-its-example" and "weak_glutez" in warning.message
        assert "weak_glutes" in warning.fix and warning.severity == "warning"
    assert rule_answer_problems(cached, {"weak_glutez"}) == []


def test_examples_that_name_no_answer_are_not_decoded_to_check_them(make_pack: Callable[..., Path]) -> None:
    pack = make_pack(RULES)
    load_rulebook([pack])
    book = load_rulebook([pack]).rulebook
    assert book is not None
    rule_answer_problems(book, set())
    plain = book.rules["no-answers"].examples
    asking = book.rules["asks-in-its-example"].examples
    assert isinstance(plain, packcache.Deferred) and isinstance(asking, packcache.Deferred)
    assert plain._items is None  # its text names no answer: never decoded
    assert asking._items is not None

"""Names a package imports on first use (``prehab.lazy``): the same objects as an eager import,
looked up once, and a clear error for a name that is not there."""

from __future__ import annotations

import pytest

import prehab.questionnaire
import prehab.rulebook
import prehab.store


def test_the_same_objects_as_their_modules() -> None:
    from prehab.questionnaire.load import load_screens
    from prehab.rulebook.loader import load_rulebook
    from prehab.store.db import Store

    assert prehab.rulebook.load_rulebook is load_rulebook
    assert prehab.store.Store is Store
    assert prehab.questionnaire.load_screens is load_screens
    assert "Store" in vars(prehab.store)  # kept: the next look-up is a plain attribute


def test_a_name_that_is_not_there_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="prehab.store.*Nothing"):
        prehab.store.Nothing  # noqa: B018
    with pytest.raises(ImportError):
        from prehab.rulebook import nothing  # type: ignore[attr-defined]  # noqa: F401

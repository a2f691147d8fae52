"""The terminal's width without shutil: the same answer as ``shutil.get_terminal_size``."""

from __future__ import annotations

import shutil

import pytest

from prehab.terminal import MIN_WIDTH, columns, text_width


@pytest.mark.parametrize("value", ["", "0", "-3", "wide", "132"])
def test_the_same_columns_as_shutil(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("COLUMNS", value)
    assert columns(77) == shutil.get_terminal_size((77, 24)).columns


def test_text_is_never_narrower_than_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "12")
    assert text_width() == MIN_WIDTH
    monkeypatch.setenv("COLUMNS", "90")
    assert text_width() == 90

"""``SteadyFooter``: the keys it shows follow the bindings, and it is built again only when they
change (Textual rebuilt its footer three times, with the same keys, while the app started)."""

from __future__ import annotations

from typing import ClassVar

import pytest
from tests.tui_support import run
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets._footer import FooterKey

from prehab.tui.widgets import SteadyFooter


class Box(Widget, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "mark", "Mark")]

    def action_mark(self) -> None:
        pass


class Keys(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("s", "save", "Save")]
    AUTO_FOCUS = None
    saving = True

    def compose(self) -> ComposeResult:
        yield Box()
        yield SteadyFooter()

    def action_save(self) -> None:
        pass

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "save" and not self.saving else True  # None: shown, disabled


def shown(app: App[None]) -> list[tuple[str, bool]]:
    return [(key.description, key.has_class("-disabled")) for key in app.screen.query(FooterKey)]


async def settle(pilot: object) -> None:
    for _ in range(3):  # the signal, the refresh after it, the rebuild
        await pilot.pause()  # type: ignore[attr-defined]


def test_the_same_keys_are_not_built_again() -> None:
    run(_same_keys())


async def _same_keys() -> None:
    app = Keys()
    async with app.run_test() as pilot:
        await settle(pilot)
        before = list(app.screen.query(FooterKey))
        assert [k.description for k in before][:1] == ["Save"]
        for _ in range(3):
            app.screen.refresh_bindings()
        await settle(pilot)
        assert list(app.screen.query(FooterKey)) == before


def test_a_new_key_and_a_disabled_key_are_shown() -> None:
    run(_new_and_disabled_keys())


async def _new_and_disabled_keys() -> None:
    app = Keys()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert ("Mark", False) not in shown(app)
        app.query_one(Box).focus()
        await settle(pilot)
        assert ("Mark", False) in shown(app) and ("Save", False) in shown(app)
        app.saving = False
        app.screen.refresh_bindings()
        await settle(pilot)
        assert ("Save", True) in shown(app)


class CompactKeys(Keys):
    def compose(self) -> ComposeResult:
        yield Box()
        yield SteadyFooter(compact=True)


def test_a_compact_footers_keys_are_styled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each key is made with its ``-compact`` class, so mounting it does not style it again."""
    restyled: list[FooterKey] = []
    monkeypatch.setattr(FooterKey, "update_node_styles", lambda self, animate=True: restyled.append(self))
    run(_compact_keys())
    assert restyled == []


async def _compact_keys() -> None:
    app = CompactKeys()
    async with app.run_test() as pilot:
        await settle(pilot)
        keys = list(app.screen.query(FooterKey))
        assert keys and all(key.has_class("-compact") for key in keys)


def test_a_plain_footers_keys_are_not_compact() -> None:
    async def scenario() -> None:
        app = Keys()
        async with app.run_test() as pilot:
            await settle(pilot)
            keys = [k for k in app.screen.query(FooterKey) if not k.has_class("-command-palette")]
            assert keys and not any(key.has_class("-compact") for key in keys)

    run(scenario())

"""``SteadyFooter``: the keys it shows follow the bindings, and it is built again only when they
change (Textual rebuilt its footer three times, with the same keys, while the app started)."""

from __future__ import annotations

from typing import ClassVar

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

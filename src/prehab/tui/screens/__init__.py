"""One module per app screen; each is a Textual mode of :class:`prehab.tui.app.PrehabApp`.

``SCREENS`` is the one place a main screen is declared: its number key, mode, title and class.
The nav bar, the app's modes and number keys, and the command palette are all built from it,
so adding a screen is one line here and one module in this package.
"""

from __future__ import annotations

from prehab.record import Record


class ScreenEntry(Record, frozen=True):
    """One main screen: its key, mode and title, and where its class is (the nav bar, the
    bindings and the app's modes are all built from these)."""

    key: str
    """The number key that shows it (and its place in the nav bar)."""
    mode: str
    title: str
    module: str
    """The module in this package; imported when the screen is first shown (start-up time)."""
    cls: str


SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry("1", "today", "Today", "today", "TodayScreen"),
    ScreenEntry("2", "week", "Week", "week", "WeekScreen"),
    ScreenEntry("3", "checkin", "Check-in", "checkin", "CheckinScreen"),
    ScreenEntry("4", "sessions", "Sessions", "sessions", "SessionsScreen"),
    ScreenEntry("5", "trends", "Trends", "trends", "TrendsScreen"),
    ScreenEntry("6", "rules", "Rules", "rules", "RulesScreen"),
    ScreenEntry("7", "settings", "Settings", "settings", "SettingsScreen"),
)

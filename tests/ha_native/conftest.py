"""Home Assistant's test harness (pytest-homeassistant-custom-component) for custom_components/prehab.

These tests run in their own Python 3.13 venv (``scripts/ha-tests`` makes it and runs them with
this folder's pytest.ini). Under the project's own pytest (Python 3.11, no Home Assistant) this
folder is skipped: nothing here is collected.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("pytest_homeassistant_custom_component") is None:
    collect_ignore_glob = ["*.py"]
else:
    from collections.abc import Iterator

    import pytest

    @pytest.fixture(autouse=True)
    def _custom_integrations(enable_custom_integrations: None) -> Iterator[None]:
        yield

    @pytest.fixture
    def expected_lingering_timers() -> bool:
        """The MQTT client's once-a-second housekeeping timer outlives a test that used it."""
        return True

"""The stream processors' unit tests run their Faust apps in ``test_context()``: no broker is
reached, so no principal's credentials are read (the secured broker is tested in
tests/integration and tests/e2e)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from topology.settings import get_settings


@pytest.fixture(autouse=True)
def no_broker_credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ONETHING_SECURITY", "off")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()

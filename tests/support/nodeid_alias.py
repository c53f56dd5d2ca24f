"""A pytest plugin for `make mutation`: gives each test item the private ``_nodeid`` that
mutmut 3.7 reads and pytest 9.2 dropped (mutmut 3.8 reads ``nodeid``, but needs a click that
faust-streaming 0.15.3 refuses). Loaded only by mutmut's pytest arguments in pyproject.toml."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if not hasattr(item, "_nodeid"):
            item._nodeid = item.nodeid  # type: ignore[attr-defined]

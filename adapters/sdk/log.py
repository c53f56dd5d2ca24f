"""The SDK's logger, fetched per call so a re-configuration (tests, CLI) always applies."""

from __future__ import annotations

from typing import Any

import structlog


def log() -> Any:
    return structlog.get_logger("onething.adapters")

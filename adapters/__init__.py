"""The adapter SDK a department team imports, and the built-in department adapters.

from adapters import DepartmentRouter, ItemOutcome, ItemTask
"""

from __future__ import annotations

from adapters.sdk.backend import (
    ActReply,
    ActRequest,
    BackendError,
    BackendRefusedError,
    DepartmentSystem,
    TransientBackendError,
)
from adapters.sdk.checks import (
    amount,
    check_citizen_id,
    check_credit_code,
    check_output,
    invalid_amount,
)
from adapters.sdk.client import ActClient
from adapters.sdk.outcome import ItemOutcome
from adapters.sdk.replies import outcome_of
from adapters.sdk.router import DepartmentRouter
from adapters.sdk.settings import AdapterSettings
from adapters.sdk.task import ItemTask

__all__ = [
    "ActClient",
    "ActReply",
    "ActRequest",
    "AdapterSettings",
    "BackendError",
    "BackendRefusedError",
    "DepartmentRouter",
    "DepartmentSystem",
    "ItemOutcome",
    "ItemTask",
    "TransientBackendError",
    "amount",
    "check_citizen_id",
    "check_credit_code",
    "check_output",
    "invalid_amount",
    "outcome_of",
]

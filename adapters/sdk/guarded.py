"""A department system behind its circuit breaker, with its latency measured."""

from __future__ import annotations

import time

from adapters.sdk.backend import (
    ActReply,
    ActRequest,
    BackendError,
    BreakerOpenError,
    DepartmentSystem,
)
from adapters.sdk.metrics import AdapterMetrics
from adapters.sdk.resilience import CircuitBreaker


class GuardedSystem:
    """Implements DepartmentSystem around another one; handlers never see the difference."""

    def __init__(
        self, inner: DepartmentSystem, breaker: CircuitBreaker, metrics: AdapterMetrics
    ) -> None:
        self.inner = inner
        self.breaker = breaker
        self.metrics = metrics

    @property
    def name(self) -> str:
        return self.inner.name

    async def submit(self, request: ActRequest, *, idempotency_key: str) -> ActReply:
        if not self.breaker.allow():
            raise BreakerOpenError(f"circuit breaker of {self.name} is open")
        started = time.perf_counter()
        try:
            reply = await self.inner.submit(request, idempotency_key=idempotency_key)
        except BackendError as error:
            if error.transient:
                self.breaker.failed()
            raise
        finally:
            self.metrics.observe_backend(self.name, time.perf_counter() - started)
        self.breaker.succeeded()
        return reply

    async def aclose(self) -> None:
        await self.inner.aclose()

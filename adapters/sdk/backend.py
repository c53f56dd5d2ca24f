"""The department system as the SDK sees it: one Protocol, an HTTP client and a simulator.

Both speak the same small wire model (an act request and its reply), so the HTTP path and
the in-process path are the same code above the transport.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from adapters.sdk.task import ItemTask
from topology.events import MaterialRef, SupplementNeed

Decision = Literal["approved", "rejected", "supplement", "in_progress"]


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ActRequest(_Wire):
    """Ask the department system to perform one administrative act (one item attempt)."""

    act: str = Field(description="The catalogue item code of the act.")
    bundle: str
    case_id: str
    attempt: int = Field(ge=1)
    form: dict[str, str] = Field(default_factory=dict)
    materials: tuple[MaterialRef, ...] = ()
    prerequisites: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def of(cls, task: ItemTask, form: dict[str, str] | None = None) -> ActRequest:
        """The request for ``task``; ``form`` replaces the task's fields when the department
        system names things its own way."""
        event = task.event
        return cls(
            act=event.item_code,
            bundle=event.bundle_code,
            case_id=event.case_id,
            attempt=event.attempt,
            form=dict(event.fields) if form is None else form,
            materials=event.materials,
            prerequisites=dict(event.prerequisite_outputs),
        )


class ActReply(_Wire):
    """What the department system decided."""

    decision: Decision
    outputs: dict[str, str] = Field(default_factory=dict)
    reason: str | None = None
    supplements: tuple[SupplementNeed, ...] = ()
    reference: str | None = Field(default=None, description="The system's own 办件编号.")
    handled_at: AwareDatetime | None = None
    poll_after_s: float | None = None


class BackendError(Exception):
    """The department system could not answer. Subclasses say whether to try again."""

    transient = False


class TransientBackendError(BackendError):
    """5xx, timeout, connection refused: retry with backoff, then via the retry topics."""

    transient = True


class BackendRefusedError(BackendError):
    """The system refused the request itself (4xx): retrying will not help; dead-letter it."""


class BreakerOpenError(TransientBackendError):
    """The circuit breaker of this backend is open: calls are not even attempted."""


@runtime_checkable
class DepartmentSystem(Protocol):
    """A department's system: perform an act, deduplicating on ``idempotency_key``."""

    @property
    def name(self) -> str: ...

    async def submit(self, request: ActRequest, *, idempotency_key: str) -> ActReply: ...

    async def aclose(self) -> None: ...

"""ActClient: the base of a typed department client over any DepartmentSystem."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.sdk.backend import ActReply, ActRequest, DepartmentSystem
from adapters.sdk.task import ItemTask


class ActClient:
    """Base of the typed department clients: each domain method builds its request here."""

    def __init__(self, system: DepartmentSystem) -> None:
        self.system = system

    async def perform(self, task: ItemTask, extra: Mapping[str, str] | None = None) -> ActReply:
        """Send ``task``'s act, with the task's fields plus what the system also wants."""
        form = {**task.fields, **(extra or {})}
        request = ActRequest.of(task, form)
        return await self.system.submit(request, idempotency_key=task.idempotency_key)

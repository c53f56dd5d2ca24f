"""What the department adapters share: a typed client base over a department system, and
checks of the numbers a system hands back before the bus trusts them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

from adapters.sdk.backend import ActReply, ActRequest, BackendRefusedError, DepartmentSystem
from adapters.sdk.outcome import ItemOutcome
from adapters.sdk.task import ItemTask
from topology.events import SupplementNeed, SupplementProblem
from topology.identifiers import citizen_id_problem, uscc_problem


class ActClient:
    """Base of the typed department clients: each domain method builds its request here."""

    def __init__(self, system: DepartmentSystem) -> None:
        self.system = system

    async def perform(self, task: ItemTask, extra: Mapping[str, str] | None = None) -> ActReply:
        """Send ``task``'s act, with the task's fields plus what the system also wants."""
        form = {**task.fields, **(extra or {})}
        request = ActRequest.of(task, form)
        return await self.system.submit(request, idempotency_key=task.idempotency_key)


def check_output(reply: ActReply, code: str, problem: Callable[[str], str | None]) -> None:
    """A system that approves with a malformed number is broken: refuse to pass it on."""
    if reply.decision != "approved" or code not in reply.outputs:
        return
    why = problem(reply.outputs[code])
    if why is not None:
        raise BackendRefusedError(f"the department system returned a malformed {code}: {why}")


def check_citizen_id(reply: ActReply, code: str) -> None:
    check_output(reply, code, citizen_id_problem)


def check_credit_code(reply: ActReply, code: str) -> None:
    check_output(reply, code, uscc_problem)


def amount(task: ItemTask, code: str) -> Decimal | None:
    """A form amount as a Decimal (yuan), or None when absent or not a number."""
    text = task.field(code).replace(",", "").removesuffix("元").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def invalid_amount(*codes: str) -> ItemOutcome:
    return ItemOutcome.supplement(
        SupplementNeed(code=c, problem=SupplementProblem.INVALID, message="请填写有效金额（元）")
        for c in codes
    )


def first_prerequisite(task: ItemTask, output: str, *items: str) -> str | None:
    """The output of whichever of ``items`` the case ran before this one."""
    return next((v for i in items if (v := task.prerequisite(i, output)) is not None), None)

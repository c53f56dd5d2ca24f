"""Checks a handler applies to what it sends and receives: the numbers a department system
hands back, and the amounts a form states."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from adapters.sdk.backend import ActReply, BackendRefusedError
from adapters.sdk.outcome import ItemOutcome
from adapters.sdk.task import ItemTask
from topology.events import SupplementNeed, SupplementProblem
from topology.identifiers import citizen_id_problem, uscc_problem


def check_output(reply: ActReply, code: str, problem: Callable[[str], str | None]) -> None:
    """A system that approves with a malformed number is broken: refuse to pass it on."""
    if reply.decision != "approved" or code not in reply.outputs:
        return
    why = problem(reply.outputs[code])
    if why is not None:
        raise BackendRefusedError(f"the department system returned a malformed {code}: {why}")


def check_citizen_id(reply: ActReply, code: str) -> None:
    """The approved output ``code`` is a valid 公民身份号码."""
    check_output(reply, code, citizen_id_problem)


def check_credit_code(reply: ActReply, code: str) -> None:
    """The approved output ``code`` is a valid 统一社会信用代码."""
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
    """补正 of form amounts that are not amounts in yuan."""
    return ItemOutcome.supplement(
        SupplementNeed(code=c, problem=SupplementProblem.INVALID, message="请填写有效金额（元）")
        for c in codes
    )

"""What a request to a case (an applicant's, or an operator's erasure) may carry, checked
before it touches the case: a refused request is dead-lettered alone with every problem
named, and the case stays as it was.

The bounds keep a case's state (written to its changelog on every change) from growing with
what a sender chooses to send.
"""

from __future__ import annotations

from streams.case.errors import InvalidInputError
from streams.case.form_checks import expected, value_problem
from streams.case.personal import opened_updates
from streams.case.policy import Step
from streams.case.state import CaseState
from topology.events import (
    CaseErasureRequested,
    EvaluationRequested,
    SupplementProvided,
    WithdrawalRequested,
)
from topology.sealing import SealError

MAX_MATERIALS = 50
"""Materials in one answer at most."""
MAX_TEXT_CHARS = 2_000
"""The longest free text: a withdrawal's reason, a rating's comment."""


def check_request(
    state: CaseState,
    request: SupplementProvided | WithdrawalRequested | EvaluationRequested | CaseErasureRequested,
    step: Step,
) -> None:  # fmt: skip
    """Raise :class:`InvalidInputError` naming every problem of ``request``."""
    match request:
        case SupplementProvided():
            problems = _supplement_problems(state, request, step)
        case WithdrawalRequested():
            problems = _text_problems("reason", request.reason)
        case EvaluationRequested():
            problems = _text_problems("comment", request.comment or "")
        case CaseErasureRequested():
            problems = _text_problems("reason", request.reason)
            if not state.phase.terminal:
                problems.append(f"case {state.case_id} is {state.phase.value}: only a finished "
                                "case is erased (withdraw it first)")  # fmt: skip
    if problems:
        raise InvalidInputError(f"{type(request).__name__} refused: " + "; ".join(problems))


def _supplement_problems(state: CaseState, answer: SupplementProvided, step: Step) -> list[str]:
    fields = {code for item in state.plan.values() for code in item.fields}
    materials = {code for item in state.plan.values() for code in item.materials}
    catalog = step.policy.loader(state.region)
    problems = []
    try:
        updates = opened_updates(answer, step.policy.sealer)
    except SealError as error:
        return [f"sealed: {error}"]
    for code, value in updates.items():
        if code not in fields:
            problems.append(f"form_updates.{code}: not a field of this case; send only the "
                            f"fields of {state.bundle_code}")  # fmt: skip
        elif why := value_problem(spec := catalog.field(code), value):
            problems.append(f"form_updates.{code}: {spec.name} {why}; expected {expected(spec)}")
    if len(answer.materials) > MAX_MATERIALS:
        problems.append(f"materials: {len(answer.materials)} given, at most {MAX_MATERIALS}")
    problems += [
        f"materials.{m.material_code}: not a material of this case"
        for m in answer.materials[:MAX_MATERIALS]
        if m.material_code not in materials
    ]
    return problems


def _text_problems(name: str, text: str) -> list[str]:
    if len(text) > MAX_TEXT_CHARS:
        return [f"{name}: longer than {MAX_TEXT_CHARS} characters"]
    return []

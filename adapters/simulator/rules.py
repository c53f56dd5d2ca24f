"""What a department system decides about an act, from its content and the seeded dice.

Content rules come first and are exact (the demo and e2e tests rely on them): a malformed
公民身份号码 or 统一社会信用代码 or a forged material is refused; an unreadable material
(sha256 of 64 zeros) is sent back for 补正; otherwise the configured rates decide.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from adapters.sdk.backend import ActReply, ActRequest
from adapters.simulator.numbers import mint_outputs
from adapters.simulator.settings import SimulatorSettings
from topology.catalog import Catalog, FieldSpec, Item, MaterialSpec
from topology.events import MaterialRef, SupplementNeed, SupplementProblem
from topology.identifiers import citizen_id_problem, uscc_problem

UNREADABLE_SHA256 = "0" * 64
FORGED_SCHEME = "forged://"
_ID_RULES = {
    "citizen_id": ("公民身份号码", citizen_id_problem),
    "credit_code": ("统一社会信用代码", uscc_problem),
}


def act_rng(settings: SimulatorSettings, request: ActRequest, purpose: str) -> random.Random:
    """The dice of one act attempt: same seed, case, item and attempt, same throw."""
    key = f"{settings.seed}|{request.case_id}|{request.act}|{request.attempt}|{purpose}"
    return random.Random(key)  # noqa: S311 - simulation, not secrets


_Lookups = tuple[Catalog, dict[str, FieldSpec], dict[str, MaterialSpec]]
_LOOKUPS: dict[int, _Lookups] = {}


def _lookups(catalog: Catalog) -> _Lookups:
    """Fields and materials by code (hashing a catalogue per call would cost more)."""
    found = _LOOKUPS.get(id(catalog))
    if found is None or found[0] is not catalog:
        found = _LOOKUPS[id(catalog)] = (
            catalog,
            {f.code: f for f in catalog.fields},
            {m.code: m for m in catalog.materials},
        )
    return found


def id_problems(request: ActRequest, catalog: Catalog) -> list[str]:
    """One sentence per malformed ID field, naming the field, never echoing the value."""
    fields = _lookups(catalog)[1]
    problems = []
    for code, value in sorted(request.form.items()):
        spec = fields.get(code)
        if spec is None:
            continue
        rule = _ID_RULES.get(spec.kind)
        if rule is not None and (why := rule[1](value)) is not None:
            problems.append(f"{spec.name}（{code}）不是有效的{rule[0]}：{why}")
    return problems


def _material_name(catalog: Catalog, material: MaterialRef) -> str:
    spec = _lookups(catalog)[2].get(material.material_code)
    return f"{spec.name}（{spec.code}）" if spec else material.material_code


def decide(
    request: ActRequest,
    item: Item,
    catalog: Catalog,
    settings: SimulatorSettings,
    *,
    allow_in_progress: bool = True,
) -> ActReply:
    """The decision on one act attempt; deterministic for the same request and seed."""
    now = datetime.now(UTC)
    problems = id_problems(request, catalog)
    if problems:
        return ActReply(decision="rejected", reason="；".join(problems), handled_at=now)
    forged = [m for m in request.materials if m.uri.startswith(FORGED_SCHEME)]
    if forged:
        names = "、".join(_material_name(catalog, m) for m in forged)
        return ActReply(decision="rejected", reason=f"材料经核验系伪造：{names}", handled_at=now)
    unreadable = [m for m in request.materials if m.sha256 == UNREADABLE_SHA256]
    if unreadable:
        needs = tuple(
            SupplementNeed(
                code=m.material_code,
                problem=SupplementProblem.INVALID,
                message=f"{_material_name(catalog, m)}无法识别，请重新上传",
            )
            for m in unreadable
        )
        return ActReply(
            decision="supplement", supplements=needs, handled_at=now, reason="材料无法识别，请补正"
        )
    return _dice(request, item, settings, now, allow_in_progress)


def _dice(
    request: ActRequest,
    item: Item,
    settings: SimulatorSettings,
    now: datetime,
    allow_in_progress: bool,
) -> ActReply:
    rng = act_rng(settings, request, "decision")
    throw = rng.random()
    if throw < settings.reject_rate:
        return ActReply(decision="rejected", reason="经核查不符合办理条件", handled_at=now)
    throw -= settings.reject_rate
    if throw < settings.supplement_rate:
        return ActReply(
            decision="supplement",
            handled_at=now,
            reason="材料需补正",
            supplements=(_random_need(request, item, rng),),
        )
    throw -= settings.supplement_rate
    if allow_in_progress and throw < settings.in_progress_rate:
        return ActReply(
            decision="in_progress",
            handled_at=now,
            reason="审核中",
            poll_after_s=settings.in_progress_s,
        )
    outputs = mint_outputs(item, request.form, act_rng(settings, request, "outputs"), now.year)
    return ActReply(
        decision="approved",
        outputs=outputs,
        handled_at=now,
        reference=f"{request.act.upper()[:4]}-{rng.randrange(10**10):010d}",
    )


def _random_need(request: ActRequest, item: Item, rng: random.Random) -> SupplementNeed:
    materials = [m.material_code for m in request.materials] or list(item.materials)
    if materials:
        return SupplementNeed(
            code=rng.choice(sorted(materials)),
            problem=rng.choice((SupplementProblem.INVALID, SupplementProblem.EXPIRED)),
            message="材料已过期或不清晰，请重新提交",
        )
    field = rng.choice(sorted(request.form) or [item.code])
    return SupplementNeed(
        code=field, problem=SupplementProblem.INVALID, message="填报信息与登记信息不一致，请核对"
    )

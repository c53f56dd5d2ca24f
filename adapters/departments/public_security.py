"""公安 public security: 户口登记, 户口变更与迁移, 居民身份证, 死亡证明, 户口注销, 注销驾驶证,
公章刻制备案."""

from __future__ import annotations

from typing import Protocol

from adapters import (
    ActClient,
    ActReply,
    DepartmentRouter,
    ItemOutcome,
    ItemTask,
    check_citizen_id,
    outcome_of,
)
from adapters.departments import DEATH_CERTIFICATE


class PublicSecurityBackend(Protocol):
    """The population system of a public security bureau, for the acts with rules here."""

    async def register_household(self, task: ItemTask) -> ActReply: ...
    async def issue_id_card(self, task: ItemTask) -> ActReply: ...


class PublicSecurityClient(ActClient):
    """PublicSecurityBackend over the HTTP system or its simulator."""

    async def register_household(self, task: ItemTask) -> ActReply:
        birth = task.prerequisite("birth_medical_certificate", "birth_medical_certificate")
        return await self.perform(task, {"birth_certificate_no": birth} if birth else None)

    async def issue_id_card(self, task: ItemTask) -> ActReply:
        return await self.perform(task)


router = DepartmentRouter[PublicSecurityBackend](
    "public_security",
    backend=PublicSecurityClient,
    fallback=True,
    description="公安: 户籍、身份证、死亡证明、驾驶证、印章",
)
router.forwards(
    "hukou_marital_status_change",
    "hukou_migration",
    extra={"marriage_certificate_no": ("marriage_registration", "marriage_certificate")},
)
router.forwards("death_certificate_abnormal", "注销驾驶证")
router.forwards("hukou_cancellation", extra={"death_certificate_no": DEATH_CERTIFICATE})
router.forwards(
    "公章刻制备案", extra={"credit_code": ("establishment_registration", "credit_code")}
)


@router.handles(
    "hukou_registration",
    "hukou_restoration",
    needs=(("birth_medical_certificate", "birth_medical_certificate"),),
)
async def register_household(task: ItemTask, backend: PublicSecurityBackend) -> ItemOutcome:
    reply = await backend.register_household(task)
    check_citizen_id(reply, "citizen_id")
    born = task.field("newborn_birth_date").replace("-", "")
    issued = reply.outputs.get("citizen_id", "")
    if len(born) == 8 and born.isdigit() and issued and issued[6:14] != born:
        raise ValueError("the issued 公民身份号码 does not carry the newborn's birth date")
    return outcome_of(reply)


@router.handles("核发居民身份证")
async def issue_id_card(task: ItemTask, backend: PublicSecurityBackend) -> ItemOutcome:
    reply = await backend.issue_id_card(task)
    check_citizen_id(reply, "id_card")
    return outcome_of(reply)

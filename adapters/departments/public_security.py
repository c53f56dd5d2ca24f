"""公安 public security: 户口登记, 户口变更与迁移, 居民身份证, 死亡证明, 户口注销, 注销驾驶证,
公章刻制备案."""

from __future__ import annotations

from typing import Protocol

from adapters.departments._client import (
    check_citizen_id,
    first_prerequisite,
)
from adapters.sdk.backend import ActReply
from adapters.sdk.client import ActClient
from adapters.sdk.outcome import ItemOutcome
from adapters.sdk.replies import outcome_of
from adapters.sdk.router import DepartmentRouter
from adapters.sdk.task import ItemTask


class PublicSecurityBackend(Protocol):
    """The population and traffic-management systems of a public security bureau."""

    async def register_household(self, task: ItemTask) -> ActReply: ...
    async def change_household(self, task: ItemTask) -> ActReply: ...
    async def issue_id_card(self, task: ItemTask) -> ActReply: ...
    async def certify_death(self, task: ItemTask) -> ActReply: ...
    async def cancel_household(self, task: ItemTask) -> ActReply: ...
    async def cancel_driving_licence(self, task: ItemTask) -> ActReply: ...
    async def file_seal(self, task: ItemTask) -> ActReply: ...


class PublicSecurityClient(ActClient):
    """PublicSecurityBackend over the HTTP system or its simulator."""

    async def register_household(self, task: ItemTask) -> ActReply:
        birth = task.prerequisite("birth_medical_certificate", "birth_medical_certificate")
        return await self.perform(task, {"birth_certificate_no": birth} if birth else None)

    async def change_household(self, task: ItemTask) -> ActReply:
        marriage = task.prerequisite("marriage_registration", "marriage_certificate")
        return await self.perform(task, {"marriage_certificate_no": marriage} if marriage else None)

    async def issue_id_card(self, task: ItemTask) -> ActReply:
        return await self.perform(task)

    async def certify_death(self, task: ItemTask) -> ActReply:
        return await self.perform(task)

    async def cancel_household(self, task: ItemTask) -> ActReply:
        death = first_prerequisite(
            task, "death_certificate", "death_certificate_normal", "death_certificate_abnormal"
        )
        return await self.perform(task, {"death_certificate_no": death} if death else None)

    async def cancel_driving_licence(self, task: ItemTask) -> ActReply:
        return await self.perform(task)

    async def file_seal(self, task: ItemTask) -> ActReply:
        credit_code = task.prerequisite("establishment_registration", "credit_code")
        return await self.perform(task, {"credit_code": credit_code} if credit_code else None)


router = DepartmentRouter[PublicSecurityBackend](
    "public_security",
    backend=PublicSecurityClient,
    fallback=True,
    description="公安: 户籍、身份证、死亡证明、驾驶证、印章",
)


@router.handles("户口登记", "hukou_restoration")
async def register_household(task: ItemTask, backend: PublicSecurityBackend) -> ItemOutcome:
    reply = await backend.register_household(task)
    check_citizen_id(reply, "citizen_id")
    born = task.field("newborn_birth_date").replace("-", "")
    issued = reply.outputs.get("citizen_id", "")
    if len(born) == 8 and born.isdigit() and issued and issued[6:14] != born:
        raise ValueError("the issued 公民身份号码 does not carry the newborn's birth date")
    return outcome_of(reply)


@router.handles("hukou_marital_status_change", "hukou_migration")
async def change_household(task: ItemTask, backend: PublicSecurityBackend) -> ItemOutcome:
    return outcome_of(await backend.change_household(task))


@router.handles("核发居民身份证")
async def issue_id_card(task: ItemTask, backend: PublicSecurityBackend) -> ItemOutcome:
    reply = await backend.issue_id_card(task)
    check_citizen_id(reply, "id_card")
    return outcome_of(reply)


@router.handles("death_certificate_abnormal")
async def certify_abnormal_death(task: ItemTask, backend: PublicSecurityBackend) -> ItemOutcome:
    return outcome_of(await backend.certify_death(task))


@router.handles("hukou_cancellation")
async def cancel_household(task: ItemTask, backend: PublicSecurityBackend) -> ItemOutcome:
    return outcome_of(await backend.cancel_household(task))


@router.handles("注销驾驶证")
async def cancel_driving_licence(task: ItemTask, backend: PublicSecurityBackend) -> ItemOutcome:
    return outcome_of(await backend.cancel_driving_licence(task))


@router.handles("公章刻制备案")
async def file_seal(task: ItemTask, backend: PublicSecurityBackend) -> ItemOutcome:
    return outcome_of(await backend.file_seal(task))

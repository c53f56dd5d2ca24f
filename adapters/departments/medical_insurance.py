"""医疗保障 medical insurance: 参保登记, 关系转移接续, 医疗救助, 个人账户一次性支取."""

from __future__ import annotations

from typing import Protocol

from adapters.departments._client import first_prerequisite
from adapters.sdk.backend import ActReply
from adapters.sdk.client import ActClient
from adapters.sdk.outcome import ItemOutcome
from adapters.sdk.replies import outcome_of
from adapters.sdk.router import DepartmentRouter
from adapters.sdk.task import ItemTask


class MedicalInsuranceBackend(Protocol):
    """The 医保信息平台 of the medical security bureau."""

    async def enrol(self, task: ItemTask) -> ActReply: ...
    async def transfer(self, task: ItemTask) -> ActReply: ...
    async def assist(self, task: ItemTask) -> ActReply: ...
    async def pay_out_account(self, task: ItemTask) -> ActReply: ...


class MedicalInsuranceClient(ActClient):
    """MedicalInsuranceBackend over the HTTP system or its simulator."""

    async def enrol(self, task: ItemTask) -> ActReply:
        # A newborn is enrolled under the 公民身份号码 of 户口登记 (参保 follows 落户).
        number = task.prerequisite("hukou_registration", "citizen_id")
        return await self.perform(task, {"insured_citizen_id": number} if number else None)

    async def transfer(self, task: ItemTask) -> ActReply:
        return await self.perform(task)

    async def assist(self, task: ItemTask) -> ActReply:
        return await self.perform(task)

    async def pay_out_account(self, task: ItemTask) -> ActReply:
        death = first_prerequisite(
            task, "death_certificate", "death_certificate_normal", "death_certificate_abnormal"
        )
        return await self.perform(task, {"death_certificate_no": death} if death else None)


router = DepartmentRouter[MedicalInsuranceBackend](
    "medical_insurance",
    backend=MedicalInsuranceClient,
    fallback=True,
    description="医保: 参保登记、转移接续、医疗救助、个人账户支取",
)


@router.handles(
    "employee_medical_insurance_registration",
    "resident_medical_insurance_registration",
    "medical_insurance_enrolment",
    "retiree_medical_insurance_registration",
)
async def enrol(task: ItemTask, backend: MedicalInsuranceBackend) -> ItemOutcome:
    return outcome_of(await backend.enrol(task))


@router.handles("基本医疗保险关系转移接续")
async def transfer(task: ItemTask, backend: MedicalInsuranceBackend) -> ItemOutcome:
    return outcome_of(await backend.transfer(task))


@router.handles("低保、特困等困难群众医疗救助")
async def assist(task: ItemTask, backend: MedicalInsuranceBackend) -> ItemOutcome:
    return outcome_of(await backend.assist(task))


@router.handles("medical_account_withdrawal")
async def pay_out_account(task: ItemTask, backend: MedicalInsuranceBackend) -> ItemOutcome:
    return outcome_of(await backend.pay_out_account(task))

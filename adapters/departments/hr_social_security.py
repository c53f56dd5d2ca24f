"""人力资源社会保障 HR & social security: 社会保险登记, 就业登记, 社会保障卡, 流动人员档案,
退休, 养老保险待遇与转移."""

from __future__ import annotations

from typing import Protocol

from adapters.departments._client import first_prerequisite
from adapters.sdk.backend import ActReply, BackendRefusedError
from adapters.sdk.client import ActClient
from adapters.sdk.outcome import ItemOutcome
from adapters.sdk.replies import outcome_of
from adapters.sdk.router import DepartmentRouter
from adapters.sdk.task import ItemTask


class HrSocialSecurityBackend(Protocol):
    """The 金保 system: social insurance, employment, cards, files, pensions."""

    async def enrol(self, task: ItemTask) -> ActReply: ...
    async def register_employment(self, task: ItemTask) -> ActReply: ...
    async def issue_card(self, task: ItemTask) -> ActReply: ...
    async def transfer_file(self, task: ItemTask) -> ActReply: ...
    async def retire(self, task: ItemTask) -> ActReply: ...
    async def pay_benefit(self, task: ItemTask) -> ActReply: ...


class HrSocialSecurityClient(ActClient):
    """HrSocialSecurityBackend over the HTTP system or its simulator."""

    async def enrol(self, task: ItemTask) -> ActReply:
        return await self.perform(task, _employer(task))

    async def register_employment(self, task: ItemTask) -> ActReply:
        return await self.perform(task, _employer(task))

    async def issue_card(self, task: ItemTask) -> ActReply:
        # A newborn's 社会保障号码 is the 公民身份号码 that 户口登记 just issued.
        number = task.prerequisite("hukou_registration", "citizen_id")
        return await self.perform(task, {"social_security_no": number} if number else None)

    async def transfer_file(self, task: ItemTask) -> ActReply:
        return await self.perform(task)

    async def retire(self, task: ItemTask) -> ActReply:
        return await self.perform(task)

    async def pay_benefit(self, task: ItemTask) -> ActReply:
        death = first_prerequisite(
            task, "death_certificate", "death_certificate_normal", "death_certificate_abnormal"
        )
        return await self.perform(task, {"death_certificate_no": death} if death else None)


def _employer(task: ItemTask) -> dict[str, str] | None:
    account = task.prerequisite(
        "enterprise_social_insurance_registration", "employer_insurance_account"
    )
    return {"employer_insurance_account": account} if account else None


router = DepartmentRouter[HrSocialSecurityBackend](
    "hr_social_security",
    backend=HrSocialSecurityClient,
    fallback=True,
    description="人社: 社保登记、就业、社保卡、档案、退休、养老待遇",
)


@router.handles(
    "enterprise_social_insurance_registration",
    "employee_social_insurance_registration",
    "social_insurance_registration",
)
async def enrol(task: ItemTask, backend: HrSocialSecurityBackend) -> ItemOutcome:
    return outcome_of(await backend.enrol(task))


@router.handles("就业登记")
async def register_employment(task: ItemTask, backend: HrSocialSecurityBackend) -> ItemOutcome:
    return outcome_of(await backend.register_employment(task))


@router.handles("社会保障卡申领")
async def issue_card(task: ItemTask, backend: HrSocialSecurityBackend) -> ItemOutcome:
    reply = await backend.issue_card(task)
    card = reply.outputs.get("social_security_card", "")
    if reply.decision == "approved" and not (len(card) == 9 and card.isalnum()):
        raise BackendRefusedError(
            "the system returned a 社会保障卡 number that is not 9 characters"
        )
    return outcome_of(reply)


@router.handles("personnel_file_transfer")
async def transfer_file(task: ItemTask, backend: HrSocialSecurityBackend) -> ItemOutcome:
    return outcome_of(await backend.transfer_file(task))


@router.handles("normal_retirement", "early_retirement")
async def retire(task: ItemTask, backend: HrSocialSecurityBackend) -> ItemOutcome:
    return outcome_of(await backend.retire(task))


@router.handles(
    "resident_pension_subsidy",
    "military_pension_transfer",
    "pension_account_payout",
    "survivor_benefits",
)
async def pay_benefit(task: ItemTask, backend: HrSocialSecurityBackend) -> ItemOutcome:
    return outcome_of(await backend.pay_benefit(task))

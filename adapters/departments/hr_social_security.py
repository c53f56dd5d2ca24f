"""人力资源社会保障 HR & social security: 社会保险登记, 就业登记, 社会保障卡, 流动人员档案,
退休, 养老保险待遇与转移."""

from __future__ import annotations

from typing import Protocol

from adapters import (
    ActClient,
    ActReply,
    BackendRefusedError,
    DepartmentRouter,
    ItemOutcome,
    ItemTask,
    outcome_of,
)
from adapters.departments import DEATH_CERTIFICATE

EMPLOYER = {
    "employer_insurance_account": (
        "enterprise_social_insurance_registration",
        "employer_insurance_account",
    )
}


class HrSocialSecurityBackend(Protocol):
    """The 金保 system, for the social security card it issues."""

    async def issue_card(self, task: ItemTask) -> ActReply: ...


class HrSocialSecurityClient(ActClient):
    """HrSocialSecurityBackend over the HTTP system or its simulator."""

    async def issue_card(self, task: ItemTask) -> ActReply:
        # A newborn's 社会保障号码 is the 公民身份号码 that 户口登记 just issued.
        number = task.prerequisite("hukou_registration", "citizen_id")
        return await self.perform(task, {"social_security_no": number} if number else None)


router = DepartmentRouter[HrSocialSecurityBackend](
    "hr_social_security",
    backend=HrSocialSecurityClient,
    fallback=True,
    description="人社: 社保登记、就业、社保卡、档案、退休、养老待遇",
)
router.forwards(
    "enterprise_social_insurance_registration",
    "employee_social_insurance_registration",
    "social_insurance_registration",
    "就业登记",
    extra=EMPLOYER,
)
router.forwards("personnel_file_transfer", "normal_retirement", "early_retirement")
router.forwards(
    "resident_pension_subsidy",
    "military_pension_transfer",
    "pension_account_payout",
    "survivor_benefits",
    extra={"death_certificate_no": DEATH_CERTIFICATE},
)


@router.handles("社会保障卡申领", needs=(("hukou_registration", "citizen_id"),))
async def issue_card(task: ItemTask, backend: HrSocialSecurityBackend) -> ItemOutcome:
    reply = await backend.issue_card(task)
    card = reply.outputs.get("social_security_card", "")
    if reply.decision == "approved" and not (len(card) == 9 and card.isalnum()):
        raise BackendRefusedError(
            "the system returned a 社会保障卡 number that is not 9 characters"
        )
    return outcome_of(reply)

"""住房公积金 housing fund: 单位登记开户, 个人账户设立, 提取(离休、退休 / 死亡).

The national list routes these acts through 住房城乡建设; whichever department's topic a
task arrives on, the housing fund centre's system performs it (see housing_construction).
"""

from __future__ import annotations

from typing import Protocol

from adapters import (
    ActClient,
    ActReply,
    DepartmentRouter,
    ItemOutcome,
    ItemTask,
    amount,
    invalid_amount,
    outcome_of,
)


class HousingFundBackend(Protocol):
    """The housing provident fund centre's system, for the account whose wage is checked."""

    async def open_personal_account(self, task: ItemTask) -> ActReply: ...


class HousingFundClient(ActClient):
    """HousingFundBackend over the HTTP system or its simulator."""

    async def open_personal_account(self, task: ItemTask) -> ActReply:
        unit = task.prerequisite("housing_fund_account_opening", "housing_fund_unit_account")
        return await self.perform(task, {"unit_account": unit} if unit else None)


router = DepartmentRouter[HousingFundBackend](
    "housing_fund",
    backend=HousingFundClient,
    fallback=True,
    description="公积金: 单位开户、个人账户、提取",
)
router.forwards(
    "住房公积金单位登记开户",
    extra={"credit_code": ("establishment_registration", "credit_code")},
)
router.forwards("retirement_housing_fund_withdrawal", "death_housing_fund_withdrawal")
router.forwards("housing_fund_registration_change")  # 单位/个人信息变更: a plain filing


@router.handles(
    "个人住房公积金账户设立",
    needs=(("housing_fund_account_opening", "housing_fund_unit_account"),),
)
async def open_personal_account(task: ItemTask, backend: HousingFundBackend) -> ItemOutcome:
    if task.field("monthly_wage") and amount(task, "monthly_wage") is None:
        return invalid_amount("monthly_wage")
    return outcome_of(await backend.open_personal_account(task))

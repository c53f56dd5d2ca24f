"""住房公积金 housing fund: 单位登记开户, 个人账户设立, 提取(离休、退休 / 死亡).

The national list routes these acts through 住房城乡建设; whichever department's topic a
task arrives on, the housing fund centre's system performs it (see housing_construction).
"""

from __future__ import annotations

from typing import Protocol

from adapters.departments._client import amount, invalid_amount
from adapters.sdk.backend import ActReply
from adapters.sdk.client import ActClient
from adapters.sdk.outcome import ItemOutcome
from adapters.sdk.replies import outcome_of
from adapters.sdk.router import DepartmentRouter
from adapters.sdk.task import ItemTask


class HousingFundBackend(Protocol):
    """The housing provident fund centre's system."""

    async def open_unit_account(self, task: ItemTask) -> ActReply: ...
    async def open_personal_account(self, task: ItemTask) -> ActReply: ...
    async def withdraw(self, task: ItemTask) -> ActReply: ...


class HousingFundClient(ActClient):
    """HousingFundBackend over the HTTP system or its simulator."""

    async def open_unit_account(self, task: ItemTask) -> ActReply:
        credit_code = task.prerequisite("establishment_registration", "credit_code")
        return await self.perform(task, {"credit_code": credit_code} if credit_code else None)

    async def open_personal_account(self, task: ItemTask) -> ActReply:
        unit = task.prerequisite("housing_fund_account_opening", "housing_fund_unit_account")
        return await self.perform(task, {"unit_account": unit} if unit else None)

    async def withdraw(self, task: ItemTask) -> ActReply:
        return await self.perform(task)


router = DepartmentRouter[HousingFundBackend](
    "housing_fund",
    backend=HousingFundClient,
    fallback=True,
    description="公积金: 单位开户、个人账户、提取",
)


@router.handles("住房公积金单位登记开户")
async def open_unit_account(task: ItemTask, backend: HousingFundBackend) -> ItemOutcome:
    return outcome_of(await backend.open_unit_account(task))


@router.handles("个人住房公积金账户设立")
async def open_personal_account(task: ItemTask, backend: HousingFundBackend) -> ItemOutcome:
    if task.field("monthly_wage") and amount(task, "monthly_wage") is None:
        return invalid_amount("monthly_wage")
    return outcome_of(await backend.open_personal_account(task))


@router.handles("retirement_housing_fund_withdrawal", "death_housing_fund_withdrawal")
async def withdraw(task: ItemTask, backend: HousingFundBackend) -> ItemOutcome:
    return outcome_of(await backend.withdraw(task))


router.registrations("housing_fund_registration_change")  # 单位/个人信息变更: a plain filing

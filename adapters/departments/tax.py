"""税务 tax: 发票领用, 房地产交易税费申报, 税务注销, 灵活就业人员社会保险费申报."""

from __future__ import annotations

from decimal import Decimal
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

DEED_TAX_RATE = Decimal("0.03")  # 契税 upper statutory rate; the system applies reliefs


class TaxBackend(Protocol):
    """The 金税 system of the tax bureau, for the declarations computed here."""

    async def declare_property_taxes(self, task: ItemTask, deed_tax: Decimal) -> ActReply: ...
    async def declare_contributions(self, task: ItemTask, base: Decimal) -> ActReply: ...


class TaxClient(ActClient):
    """TaxBackend over the HTTP system or its simulator."""

    async def declare_property_taxes(self, task: ItemTask, deed_tax: Decimal) -> ActReply:
        return await self.perform(task, {"deed_tax_estimate": f"{deed_tax:.2f}"})

    async def declare_contributions(self, task: ItemTask, base: Decimal) -> ActReply:
        return await self.perform(task, {"contribution_base": f"{base:.2f}"})


router = DepartmentRouter[TaxBackend](
    "tax",
    backend=TaxClient,
    fallback=True,
    description="税务: 发票、房地产交易税费、税务注销、社保费申报",
)
router.forwards("发票领用", extra={"credit_code": ("establishment_registration", "credit_code")})
router.forwards("税务注销")


@router.handles("real_estate_tax_declaration", "housing_tax_declaration")
async def declare_property_taxes(task: ItemTask, backend: TaxBackend) -> ItemOutcome:
    price = amount(task, "transaction_price")
    if price is None and task.field("transaction_price"):
        return invalid_amount("transaction_price")
    deed_tax = (price or Decimal(0)) * DEED_TAX_RATE
    return outcome_of(await backend.declare_property_taxes(task, deed_tax))


@router.handles("flexible_contribution_declaration")
async def declare_contributions(task: ItemTask, backend: TaxBackend) -> ItemOutcome:
    base = amount(task, "contribution_base")
    if base is None and task.field("contribution_base"):
        return invalid_amount("contribution_base")
    return outcome_of(await backend.declare_contributions(task, base or Decimal(0)))

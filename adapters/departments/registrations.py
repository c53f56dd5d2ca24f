"""Departments whose acts are simple registrations: each item is forwarded as it is.

住房城乡建设 also carries, in the national list, the housing fund and water/gas acts: those
are routed to the housing fund centre's and the utilities' systems.
"""

from __future__ import annotations

from adapters import DepartmentRouter, DepartmentSystem
from adapters.departments import housing_fund, utilities


def registrations(
    department: str, description: str, *items: str
) -> DepartmentRouter[DepartmentSystem]:
    """A department whose items are all forwarded to its system as they are."""
    router: DepartmentRouter[DepartmentSystem] = DepartmentRouter(
        department, fallback=True, description=description
    )
    router.forwards(*items)
    return router


market_regulation = registrations(
    "market_regulation",
    "市场监管: 企业设立、食品经营许可、注销登记",
    "establishment_registration",
    "food_business_license",
    "deregistration_registration",
)
health = registrations(
    "health",
    "卫生健康: 出生医学证明、生育登记、死亡证明",
    "birth_medical_certificate",
    "childbirth_registration",
    "death_certificate_normal",
)
disease_control = registrations("disease_control", "疾控: 预防接种证", "vaccination_certificate")
civil_affairs = registrations(
    "civil_affairs",
    "民政: 婚姻登记、残疾人两项补贴、火化证明",
    "marriage_registration",
    "disability_subsidy_eligibility",
    "cremation_certificate",
)
natural_resources = registrations(
    "natural_resources", "自然资源: 不动产统一登记", "real_estate_registration"
)
disabled_persons_federation = registrations(
    "disabled_persons_federation", "残联: 残疾人证", "disability_certificate"
)
veterans_affairs = registrations(
    "veterans_affairs",
    "退役军人事务: 退役报到、自主就业补助金",
    "veteran_reporting",
    "self_employment_grant",
)
armed_forces = registrations("armed_forces", "人民武装: 预备役登记", "reserve_registration")
fire_rescue = registrations("fire_rescue", "消防救援: 营业前消防安全检查", "fire_safety_inspection")

housing_construction = registrations(
    "housing_construction",
    "住建: 网签备案、户外广告; 公积金与水气过户经各自系统",
    "contract_filing",
    "outdoor_advertising_approval",
)
housing_construction.include(housing_fund.router)
housing_construction.include(utilities.water)
housing_construction.include(utilities.gas)

"""供水、供气、供电 utilities: 水表、天然气表、电表过户 (二手房转移登记及水电气联动过户)."""

from __future__ import annotations

from adapters import DepartmentRouter, DepartmentSystem

water: DepartmentRouter[DepartmentSystem] = DepartmentRouter(
    "water_utility", fallback=True, description="供水企业: 水表过户、接水"
)
water.forwards("water_transfer", "water_connection")

gas: DepartmentRouter[DepartmentSystem] = DepartmentRouter(
    "gas_utility", fallback=True, description="供气企业: 天然气表过户、接气"
)
gas.forwards("gas_transfer", "gas_connection")

electricity: DepartmentRouter[DepartmentSystem] = DepartmentRouter(
    "electricity", fallback=True, description="供电企业: 电表过户、接电"
)
electricity.forwards("electricity_transfer", "power_connection")

energy: DepartmentRouter[DepartmentSystem] = DepartmentRouter(
    "energy", fallback=True, description="能源主管部门: 电表过户 via 供电企业"
)
energy.include(electricity)

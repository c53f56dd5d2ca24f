"""医疗保障 medical insurance: 参保登记, 关系转移接续, 医疗救助, 个人账户一次性支取.

Every act is sent to the 医保信息平台 as it is; the platform decides."""

from __future__ import annotations

from adapters import DepartmentRouter, DepartmentSystem
from adapters.departments import DEATH_CERTIFICATE

router: DepartmentRouter[DepartmentSystem] = DepartmentRouter(
    "medical_insurance",
    fallback=True,
    description="医保: 参保登记、转移接续、医疗救助、个人账户支取",
)
router.forwards(
    "employee_medical_insurance_registration",
    "resident_medical_insurance_registration",
    "medical_insurance_enrolment",
    "retiree_medical_insurance_registration",
    # A newborn is enrolled under the 公民身份号码 of 户口登记 (参保 follows 落户).
    extra={"insured_citizen_id": ("hukou_registration", "citizen_id")},
)
router.forwards("基本医疗保险关系转移接续", "低保、特困等困难群众医疗救助")
router.forwards("medical_account_withdrawal", extra={"death_certificate_no": DEATH_CERTIFICATE})

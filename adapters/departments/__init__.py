"""The built-in department adapters, each installed under the ``onething.adapters`` entry
point group (see pyproject.toml), so a department's own package plugs in the same way."""

DEATH_CERTIFICATE = (
    ("death_certificate", "death_certificate_normal", "death_certificate_abnormal"),
    "death_certificate",
)
"""The 死亡证明 number a prerequisite issued: whichever of the death certificate items the
case ran (bundles and regions differ in which)."""

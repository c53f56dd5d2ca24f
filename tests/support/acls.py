"""The bus's ACLs for a test's own topic prefix, so its adapters connect as themselves."""

from __future__ import annotations

from deploy.acls_admin import plan_and_apply_acls
from topology.acls import bus_acls
from topology.catalog import all_catalogs
from topology.kafka_access import KafkaAccess
from topology.principals import department_codes
from topology.settings import Settings
from topology.topics import Topics


async def allow_departments(admin: KafkaAccess, settings: Settings) -> None:
    """Every principal's ACLs on ``settings.topic_prefix`` (nothing in the PLAINTEXT mode)."""
    if admin.secured:
        topics = Topics(settings.topic_prefix)
        await plan_and_apply_acls(admin, topics, bus_acls(topics, department_codes(all_catalogs())))

"""Each broker is asked for the ACLs it has applied: the request sent to every node decodes,
and a bus's new grants show in every node's answer once `topics apply` returns."""

from __future__ import annotations

import pytest

from deploy.acl_propagation import acls_by_broker, agreed
from deploy.acls_admin import admin_client, live_acls
from deploy.topics_cli import plan_and_apply
from topology.kafka_access import KafkaAccess
from topology.settings import Settings

pytestmark = pytest.mark.integration


async def test_every_broker_answers_the_acls_the_admin_client_sees(
    kafka_admin_access: KafkaAccess, unique: str
) -> None:
    prefix = f"aclseen{unique}"
    settings = Settings(kafka_bootstrap=kafka_admin_access.bootstrap, topic_prefix=prefix)
    await plan_and_apply(kafka_admin_access, settings, dry_run=False)
    answers = await acls_by_broker(kafka_admin_access)
    assert answers, "no broker answered"
    assert agreed(answers)
    rows = next(iter(answers.values()))
    ours = {row for row in rows if str(row[1]).startswith(prefix)}
    live = [b for b in await live_acls(admin_client(kafka_admin_access))
            if b.resource_name.startswith(prefix)]  # fmt: skip
    assert len(ours) == len(live) > 0
    assert any(row[3] == "User:tax" for row in ours), "tax's grants on its own topics"

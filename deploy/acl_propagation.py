"""Whether every broker judges by the same ACLs.

Each KRaft broker applies ACL changes from the metadata log on its own, a moment after the
controller committed them. The admin client's DescribeAcls goes to any one broker, so on a
cluster of several a client started next may still meet a broker that refuses it: in CI a
fresh three-node cluster refused an adapter's idempotent producer
(ClusterAuthorizationFailed on InitProducerId) because its broker had not applied the
topic WRITE grants yet. This asks every broker itself, with aiokafka's DescribeAcls
request sent to each node.
"""

from __future__ import annotations

from typing import Any

from aiokafka.client import AIOKafkaClient
from aiokafka.protocol.admin import DescribeAclsRequest

from topology.kafka_access import KafkaAccess

_ANY = 1  # ResourceType, PatternType, AclOperation and AclPermissionType all code ANY as 1

AclRow = tuple[Any, ...]


async def acls_by_broker(access: KafkaAccess) -> dict[int, frozenset[AclRow]]:
    """Each broker's ACLs, as it answers DescribeAcls from the metadata it has applied."""
    client = AIOKafkaClient(**access.aiokafka())
    await client.bootstrap()
    try:
        answers: dict[int, frozenset[AclRow]] = {}
        for broker in sorted(client.cluster.brokers(), key=lambda b: b.nodeId):
            request = DescribeAclsRequest(_ANY, None, _ANY, None, None, _ANY, _ANY)
            response = await client.send(broker.nodeId, request)
            answers[broker.nodeId] = _rows(response)
        return answers
    finally:
        await client.close()


def _rows(response: Any) -> frozenset[AclRow]:
    """(resource type, name, pattern type, principal, host, operation, permission) per ACL."""
    rows: set[AclRow] = set()
    for resource_type, name, pattern_type, acls in response.resources:
        for principal, host, operation, permission in acls:
            rows.add((resource_type, name, pattern_type, principal, host, operation, permission))
    return frozenset(rows)


def agreed(answers: dict[int, frozenset[AclRow]]) -> bool:
    """Whether every broker answered the same ACLs."""
    return len(set(answers.values())) <= 1

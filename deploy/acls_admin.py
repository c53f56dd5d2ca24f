"""The broker's ACLs, read and changed through confluent-kafka's admin client (aiokafka's has
no ACL requests), as the ``admin`` principal."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from typing import Any

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.admin._acl import AclBinding as KafkaAcl
from confluent_kafka.admin._acl import AclBindingFilter, AclPermissionType
from confluent_kafka.admin._acl import AclOperation as KafkaOperation
from confluent_kafka.admin._resource import ResourcePatternType
from confluent_kafka.admin._resource import ResourceType as KafkaResource

from deploy.acl_propagation import acls_by_broker, agreed
from deploy.acls_plan import AclChange, owned_by, plan
from topology.acls import AclBinding, Operation, PatternType, Permission, ResourceType
from topology.kafka_access import KafkaAccess
from topology.topics import Topics

_TIMEOUT_S = 30.0
_CLUSTER = "kafka-cluster"
_RESOURCES = {ResourceType.CLUSTER: KafkaResource.BROKER}


class AclAdminError(RuntimeError):
    """The broker refused or did not answer an ACL request."""


def admin_client(access: KafkaAccess) -> AdminClient:
    return AdminClient(access.librdkafka() | {"log_level": 2})


def _to_kafka(binding: AclBinding) -> KafkaAcl:
    resource = _RESOURCES.get(binding.resource_type, KafkaResource[binding.resource_type])
    name = _CLUSTER if binding.resource_type is ResourceType.CLUSTER else binding.resource_name
    return KafkaAcl(resource, name, ResourcePatternType[binding.pattern_type],
                    binding.principal, binding.host, KafkaOperation[binding.operation],
                    AclPermissionType[binding.permission])  # fmt: skip


def _enum_name(value: object) -> str:
    """The admin client's answers carry enums; its annotations also allow str and int."""
    return str(getattr(value, "name", value))


def _from_kafka(acl: KafkaAcl) -> AclBinding | None:
    """Ours to compare, or None for a kind of binding topology never declares."""
    try:
        kind = (ResourceType.CLUSTER if acl.restype == KafkaResource.BROKER
                else ResourceType(_enum_name(acl.restype)))  # fmt: skip
        return AclBinding(acl.principal, kind, PatternType(_enum_name(acl.resource_pattern_type)),
                          acl.name, Operation(_enum_name(acl.operation)),
                          Permission(_enum_name(acl.permission_type)), acl.host)  # fmt: skip
    except ValueError:
        return None


async def _result(future: Future[Any]) -> Any:
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), _TIMEOUT_S)
    except KafkaException as error:
        raise AclAdminError(f"the broker refused an ACL request: {error.args[0]}") from None
    except TimeoutError:
        raise AclAdminError(f"no answer to an ACL request within {_TIMEOUT_S:.0f}s") from None


async def live_acls(admin: AdminClient) -> list[AclBinding]:
    """Every ACL the broker holds, as topology's bindings."""
    anything: Any = None  # a filter's None matches every name, principal and host
    everything = AclBindingFilter(KafkaResource.ANY, anything, ResourcePatternType.ANY, anything,
                                  anything, KafkaOperation.ANY, AclPermissionType.ANY)  # fmt: skip
    found = await _result(admin.describe_acls(everything, request_timeout=_TIMEOUT_S))
    return sorted(b for b in map(_from_kafka, found) if b is not None)


async def apply_changes(admin: AdminClient, changes: Sequence[AclChange]) -> None:
    adds = [_to_kafka(c.binding) for c in changes if c.action == "add"]
    removes = [_to_kafka(c.binding) for c in changes if c.action == "remove"]
    if adds:
        for future in admin.create_acls(adds, request_timeout=_TIMEOUT_S).values():
            await _result(future)
    if removes:
        filters = [
            AclBindingFilter(a.restype, a.name, a.resource_pattern_type, a.principal, a.host,
                             a.operation, a.permission_type)
            for a in removes
        ]  # fmt: skip
        for future in admin.delete_acls(filters, request_timeout=_TIMEOUT_S).values():
            await _result(future)


async def remove_acls(access: KafkaAccess, bindings: Iterable[AclBinding]) -> int:
    """Remove these bindings (a finished run's, say); returns how many."""
    changes = [AclChange("remove", binding) for binding in bindings]
    if changes:
        admin = admin_client(access)
        await apply_changes(admin, changes)
    return len(changes)


async def remove_bus_acls(access: KafkaAccess, topics: Topics) -> int:
    """Every binding on this bus's topics and groups: when its topics are deleted."""
    if not access.secured:
        return 0
    ours = [b for b in await live_acls(admin_client(access)) if owned_by(topics, b)]
    return await remove_acls(access, ours)


async def plan_and_apply_acls(
    access: KafkaAccess, topics: Topics, desired: Iterable[AclBinding], *, prune: bool = False,
    dry_run: bool = False,
) -> list[AclChange]:
    """The diff of the broker's ACLs against ``desired``, applied unless ``dry_run``."""
    admin = admin_client(access)
    changes = plan(desired, await live_acls(admin), topics=topics, prune=prune)
    if not dry_run and changes:
        await apply_changes(admin, changes)
        await _until_served(admin, changes)
        await _until_every_broker_agrees(access)
    return changes


async def _until_served(admin: AdminClient, changes: Sequence[AclChange]) -> None:
    """The controller answers once the change is committed; the broker's authorizer applies
    it a moment later, and it answers DescribeAcls from what it applied. Wait for that, so a
    client started next is judged by the new ACLs."""
    added = {c.binding for c in changes if c.action == "add"}
    removed = {c.binding for c in changes if c.action == "remove"}
    deadline = asyncio.get_running_loop().time() + _TIMEOUT_S
    while asyncio.get_running_loop().time() < deadline:
        live = set(await live_acls(admin))
        if added <= live and not removed & live:
            return
        await asyncio.sleep(0.1)
    raise AclAdminError(f"the broker did not serve the changed ACLs within {_TIMEOUT_S:.0f}s")


async def _until_every_broker_agrees(access: KafkaAccess) -> None:
    """On a cluster of several, until every broker has applied the same ACLs."""
    deadline = asyncio.get_running_loop().time() + _TIMEOUT_S
    while asyncio.get_running_loop().time() < deadline:
        if agreed(await acls_by_broker(access)):
            return
        await asyncio.sleep(0.1)
    raise AclAdminError(f"the brokers did not all serve the changed ACLs within {_TIMEOUT_S:.0f}s")

"""The KRaft server.properties of each local node (combined controller and broker), bound to
127.0.0.1 only: secured by default, PLAINTEXT in the development mode
(``ONETHING_SECURITY=off``); internal topics replicated as the cluster size allows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deploy.broker.layout import NodeLayout
from deploy.security.ca import BROKER_IDENTITY
from deploy.security.files import SecurityLayout

# Sized for a 2-core machine: few threads, small internal topics, no rebalance delay.
_TUNING = {
    "num.network.threads": "2",
    "num.io.threads": "4",
    "num.partitions": "3",
    "auto.create.topics.enable": "false",
    "offsets.topic.num.partitions": "6",
    "transaction.state.log.num.partitions": "4",
    "group.initial.rebalance.delay.ms": "0",
    "log.segment.bytes": "67108864",
    "log.retention.hours": "24",
}

# Each node takes three consecutive ports: clients, the KRaft controller, and (secured) the
# mutual-TLS listener; node n's block starts 3 (n - 1) above the first node's.
PORT_STRIDE = 3


@dataclass(frozen=True)
class NodePorts:
    """The ports of one node."""

    node_id: int
    client: int
    controller: int
    internal: int


def cluster_ports(broker_port: int, controller_port: int, nodes: int) -> tuple[NodePorts, ...]:
    """Every node's ports, from the first node's client and controller ports."""
    blocks = ((n + 1, PORT_STRIDE * n) for n in range(nodes))
    return tuple(
        NodePorts(node, broker_port + shift, controller_port + shift, controller_port + shift + 1)
        for node, shift in blocks
    )


def _quorum(nodes: int) -> dict[str, str]:
    """Several nodes share two cores with the bus: with KRaft's defaults (a 1 s election and
    a 2 s fetch timeout) a starved voter missed its leader's fetches, the quorum held an
    election every few seconds for minutes and a restarted node could not catch up."""
    if nodes == 1:
        return {}
    return {"controller.quorum.election.timeout.ms": "4000",
            "controller.quorum.fetch.timeout.ms": "8000"}  # fmt: skip


def _replication(nodes: int) -> dict[str, str]:
    """Internal topics (offsets, transactions) as replicated as the bus's own topics."""
    factor, min_isr = str(min(3, nodes)), str(max(1, min(3, nodes) - 1))
    return {
        "default.replication.factor": factor,
        "min.insync.replicas": min_isr,
        "offsets.topic.replication.factor": factor,
        "transaction.state.log.replication.factor": factor,
        "transaction.state.log.min.isr": min_isr,
        "share.coordinator.state.topic.replication.factor": factor,
        "share.coordinator.state.topic.min.isr": min_isr,
    }


SUPER_USER = "User:admin"


def _plaintext(broker_port: int, controller_port: int) -> dict[str, str]:
    return {
        "listeners": f"PLAINTEXT://127.0.0.1:{broker_port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{broker_port}",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    }


def _secured(broker_port: int, controller_port: int, internal_port: int,
             security: SecurityLayout) -> dict[str, str]:  # fmt: skip
    """Clients on SASL_SSL with SCRAM-SHA-512; the controller and inter-broker listeners on
    TLS with client certificates from the project CA (SCRAM cannot serve the controller: its
    credentials live in the metadata the controller serves). The broker's own certificate maps
    to ``admin``, the only super user; every other principal has only its ACLs."""
    scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
    return {
        "listeners": f"CLIENT://127.0.0.1:{broker_port},CONTROLLER://127.0.0.1:{controller_port},"
        f"INTERNAL://127.0.0.1:{internal_port}",
        "advertised.listeners": f"CLIENT://127.0.0.1:{broker_port},"
        f"INTERNAL://127.0.0.1:{internal_port}",
        "inter.broker.listener.name": "INTERNAL",
        "listener.security.protocol.map": "CLIENT:SASL_SSL,CONTROLLER:SSL,INTERNAL:SSL",
        "sasl.enabled.mechanisms": "SCRAM-SHA-512",
        "listener.name.client.scram-sha-512.sasl.jaas.config": scram,
        "listener.name.controller.ssl.client.auth": "required",
        "listener.name.internal.ssl.client.auth": "required",
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(security.broker_keystore.resolve()),
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": str(security.ca_cert.resolve()),
        "ssl.principal.mapping.rules": f"RULE:^CN={BROKER_IDENTITY},O=onething$/admin/,DEFAULT",
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found": "false",
        "super.users": SUPER_USER,
    }


def server_properties(
    layout: NodeLayout,
    ports: NodePorts,
    cluster: Sequence[NodePorts],
    *,
    security: SecurityLayout | None,
) -> str:
    """One node's configuration file text; ``security=None`` is the PLAINTEXT dev mode."""
    listeners = (
        _plaintext(ports.client, ports.controller)
        if security is None
        else _secured(ports.client, ports.controller, ports.internal, security)
    )
    voters = ",".join(f"{node.node_id}@127.0.0.1:{node.controller}" for node in cluster)
    props = {
        "process.roles": "broker,controller",
        "node.id": str(ports.node_id),
        "controller.quorum.voters": voters,
        "controller.listener.names": "CONTROLLER",
        **listeners,
        "log.dirs": str(layout.data.resolve()),
        **_TUNING,
        **_replication(len(cluster)),
        **_quorum(len(cluster)),
    }
    return "".join(f"{key}={value}\n" for key, value in props.items())

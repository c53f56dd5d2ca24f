"""The KRaft server.properties of the single-node broker, bound to 127.0.0.1 only: secured by
default, PLAINTEXT in the development mode (``ONETHING_SECURITY=off``)."""

from __future__ import annotations

from deploy.broker.layout import BrokerLayout
from deploy.security.ca import BROKER_IDENTITY
from deploy.security.files import SecurityLayout

# Sized for a 2-core machine: few threads, small internal topics, no rebalance delay.
_TUNING = {
    "num.network.threads": "2",
    "num.io.threads": "4",
    "num.partitions": "3",
    "auto.create.topics.enable": "false",
    "offsets.topic.num.partitions": "6",
    "offsets.topic.replication.factor": "1",
    "transaction.state.log.num.partitions": "4",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "group.initial.rebalance.delay.ms": "0",
    "log.segment.bytes": "67108864",
    "log.retention.hours": "24",
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
    layout: BrokerLayout,
    broker_port: int,
    controller_port: int,
    *,
    internal_port: int,
    security: SecurityLayout | None,
) -> str:
    """The broker's configuration file text; ``security=None`` is the PLAINTEXT dev mode."""
    listeners = (
        _plaintext(broker_port, controller_port)
        if security is None
        else _secured(broker_port, controller_port, internal_port, security)
    )
    props = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@127.0.0.1:{controller_port}",
        "controller.listener.names": "CONTROLLER",
        **listeners,
        "log.dirs": str(layout.data.resolve()),
        **_TUNING,
    }
    return "".join(f"{key}={value}\n" for key, value in props.items())

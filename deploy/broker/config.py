"""The KRaft server.properties of the single-node broker, bound to 127.0.0.1 only."""

from __future__ import annotations

from deploy.broker.layout import BrokerLayout

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


def server_properties(layout: BrokerLayout, broker_port: int, controller_port: int) -> str:
    """The broker's configuration file text."""
    props = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@127.0.0.1:{controller_port}",
        "listeners": f"PLAINTEXT://127.0.0.1:{broker_port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{broker_port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(layout.data.resolve()),
        **_TUNING,
    }
    return "".join(f"{key}={value}\n" for key, value in props.items())

"""The local cluster's configuration: each node its own ports and storage, one controller
quorum, and replication as the cluster size allows."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from deploy.broker.config import cluster_ports, server_properties
from deploy.broker.launcher import new_cluster_id
from deploy.broker.layout import BrokerLayout
from deploy.topics_admin import LiveTopic, plan
from topology.topics import Topics, replication_for


def _props(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line)


def test_each_node_has_its_own_ports() -> None:
    ports = cluster_ports(9092, 9093, 3)
    used = [port for node in ports for port in (node.client, node.controller, node.internal)]
    assert len(set(used)) == len(used) == 9
    assert [node.node_id for node in ports] == [1, 2, 3]
    assert ports[0].client == 9092


@pytest.mark.parametrize(("nodes", "factor", "min_isr"), [(1, "1", "1"), (3, "3", "2")])
def test_every_node_votes_and_internal_topics_replicate(
    tmp_path: Path, nodes: int, factor: str, min_isr: str
) -> None:
    layout = BrokerLayout(tmp_path, "4.3.1", nodes)
    ports = cluster_ports(9092, 9093, nodes)
    configs = [_props(server_properties(layout.node(node.node_id), node, ports, security=None))
               for node in ports]  # fmt: skip
    assert {c["node.id"] for c in configs} == {str(n) for n in range(1, nodes + 1)}
    assert len({c["log.dirs"] for c in configs}) == nodes
    voters = {c["controller.quorum.voters"] for c in configs}
    assert len(voters) == 1
    assert voters.pop().count("@127.0.0.1:") == nodes
    for config in configs:
        assert config["offsets.topic.replication.factor"] == factor
        assert config["transaction.state.log.min.isr"] == min_isr
        assert config["min.insync.replicas"] == min_isr


def test_each_cluster_size_keeps_its_own_storage(tmp_path: Path) -> None:
    single, three = BrokerLayout(tmp_path, "4.3.1"), BrokerLayout(tmp_path, "4.3.1", 3)
    assert single.home != three.home
    three.node(2).data.mkdir(parents=True)
    single.node(1).data.mkdir(parents=True)
    assert single.sizes_on_disk() == [1, 3]


@pytest.mark.parametrize(("brokers", "factor"), [(1, 1), (2, 2), (3, 3), (5, 3)])
def test_topics_replicate_three_times_once_there_are_three_brokers(
    brokers: int, factor: int
) -> None:
    specs = Topics("t").all(["tax"], replication_factor=replication_for(brokers))
    assert {spec.replication_factor for spec in specs} == {factor}
    assert {spec.config["min.insync.replicas"] for spec in specs} == {str(max(1, factor - 1))}


def test_a_topic_with_other_replication_is_reported_not_silently_kept() -> None:
    spec = Topics("t").all(["tax"], replication_factor=3)[0]
    live = {spec.name: LiveTopic(spec.partitions, dict(spec.config), replication=1)}
    changes = plan([spec], live)
    assert [change.action for change in changes] == ["impossible"]
    assert "1 replica(s), declared 3" in changes[0].detail
    assert plan([spec], {spec.name: LiveTopic(spec.partitions, dict(spec.config), 3)}) == []


def test_a_cluster_id_never_starts_with_a_dash() -> None:
    # 0xF8 encodes to "-" as the first base64url character; the storage tool then
    # reads "-t -..." as an option and formatting fails on a fresh machine.
    draws = iter([b"\xf8" + bytes(15), b"\x01" + bytes(15)])
    cluster_id = new_cluster_id(lambda: next(draws))
    assert cluster_id == base64.urlsafe_b64encode(b"\x01" + bytes(15)).decode().rstrip("=")
    assert len(cluster_id) == 22

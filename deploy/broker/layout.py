"""Where the launcher keeps jars, and each node its config, data, logs and pid file, under
the state directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

KAFKA_DEPLOY_DIR = Path(__file__).resolve().parent.parent / "kafka"


@dataclass(frozen=True)
class NodeLayout:
    """Paths of one KRaft node: ``<state>/broker/node-<id>/``."""

    home: Path
    node_id: int

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def config(self) -> Path:
        return self.home / "server.properties"

    @property
    def pid_file(self) -> Path:
        return self.home / "broker.pid"

    @property
    def server_log(self) -> Path:
        return self.logs / "server.log"

    @property
    def console_log(self) -> Path:
        return self.logs / "console.log"

    @property
    def formatted(self) -> bool:
        return (self.data / "meta.properties").exists()

    def tail(self, lines: int = 20) -> str:
        """The last lines of this node's logs, for error messages."""
        chunks = []
        for log in (self.console_log, self.server_log):
            if log.exists():
                text = log.read_text(encoding="utf-8", errors="replace").splitlines()
                chunks.append(f"--- {log} ---\n" + "\n".join(text[-lines:]))
        return "\n".join(chunks) or f"(no log of node {self.node_id} yet)"


@dataclass(frozen=True)
class BrokerLayout:
    """Paths of one local cluster; jars are shared by version. A cluster's size is fixed when
    its storage is formatted (KRaft's controller voters), so each size has its own storage:
    ``<state>/broker/`` for one node, ``<state>/broker-<n>nodes/`` for n."""

    state_dir: Path
    kafka_version: str
    size: int = 1

    @property
    def jars(self) -> Path:
        return self.state_dir / "kafka" / self.kafka_version / "libs"

    @property
    def jars_complete(self) -> Path:
        return self.jars / ".complete"

    @property
    def home(self) -> Path:
        return self.state_dir / ("broker" if self.size == 1 else f"broker-{self.size}nodes")

    def node(self, node_id: int) -> NodeLayout:
        return NodeLayout(self.home / f"node-{node_id}", node_id)

    def with_size(self, size: int) -> BrokerLayout:
        return BrokerLayout(self.state_dir, self.kafka_version, size)

    def sizes_on_disk(self) -> list[int]:
        """The sizes of the clusters that have storage under this state directory."""
        sizes = [1] if (self.state_dir / "broker").is_dir() else []
        for home in sorted(self.state_dir.glob("broker-*nodes")):
            digits = home.name.removeprefix("broker-").removesuffix("nodes")
            sizes += [int(digits)] if digits.isdigit() else []
        return sizes

    @property
    def pom(self) -> Path:
        return KAFKA_DEPLOY_DIR / "pom.xml"

    @property
    def log4j_config(self) -> Path:
        return KAFKA_DEPLOY_DIR / "log4j2.properties"

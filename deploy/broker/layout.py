"""Where the launcher keeps jars, data, logs and its pid file under the state directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

KAFKA_DEPLOY_DIR = Path(__file__).resolve().parent.parent / "kafka"


@dataclass(frozen=True)
class BrokerLayout:
    """Paths of one local broker; jars are shared by version, data by state directory."""

    state_dir: Path
    kafka_version: str

    @property
    def jars(self) -> Path:
        return self.state_dir / "kafka" / self.kafka_version / "libs"

    @property
    def jars_complete(self) -> Path:
        return self.jars / ".complete"

    @property
    def home(self) -> Path:
        return self.state_dir / "broker"

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
    def pom(self) -> Path:
        return KAFKA_DEPLOY_DIR / "pom.xml"

    @property
    def log4j_config(self) -> Path:
        return KAFKA_DEPLOY_DIR / "log4j2.properties"

    def tail(self, lines: int = 20) -> str:
        """The last lines of the broker's logs, for error messages."""
        chunks = []
        for log in (self.console_log, self.server_log):
            if log.exists():
                text = log.read_text(encoding="utf-8", errors="replace").splitlines()
                chunks.append(f"--- {log} ---\n" + "\n".join(text[-lines:]))
        return "\n".join(chunks) or "(no broker log yet)"

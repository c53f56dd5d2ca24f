"""Fetch and cache the official Apache Kafka jars with Maven (`dependency:copy-dependencies`)."""

from __future__ import annotations

import shutil
import subprocess

from deploy.broker.errors import BrokerError
from deploy.broker.layout import BrokerLayout


def require_tool(name: str, package: str) -> str:
    """The path of a required executable, or a BrokerError saying how to install it."""
    path = shutil.which(name)
    if path is None:
        raise BrokerError(
            f"'{name}' was not found on PATH",
            f"install it (Debian: apt-get update && apt-get install -y {package})",
        )
    return path


def fetch_jars(layout: BrokerLayout) -> bool:
    """Make sure the broker jars are cached; returns True when a download happened."""
    if layout.jars_complete.exists():
        return False
    require_tool("java", "openjdk-17-jre-headless")
    mvn = require_tool("mvn", "maven")
    layout.jars.mkdir(parents=True, exist_ok=True)
    cmd = [
        mvn, "-q", "-B", "-f", str(layout.pom),
        f"-Dkafka.version={layout.kafka_version}",
        "dependency:copy-dependencies",
        f"-DoutputDirectory={layout.jars}",
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BrokerError(
            f"Maven could not fetch Apache Kafka {layout.kafka_version}",
            "check that Maven Central is reachable and the version exists (ONETHING_KAFKA_VERSION)",
            detail=(done.stdout + done.stderr)[-4000:],
        )
    layout.jars_complete.write_text(layout.kafka_version, encoding="utf-8")
    return True


def jars_size(layout: BrokerLayout) -> int:
    """Bytes of cached jars, for the launcher's report."""
    return sum(p.stat().st_size for p in layout.jars.glob("*.jar"))

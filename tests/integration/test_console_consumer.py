"""A department's own Java client: Kafka's console consumer, configured by nothing but the
file `onething principals export tax --format properties` prints, reads the tax tasks and is
refused the public-security tasks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from deploy.broker.jars import require_tool
from deploy.broker.layout import BrokerLayout
from deploy.topics_cli import plan_and_apply
from topology.kafka_access import KafkaAccess
from topology.settings import Settings
from topology.topics import Topics

pytestmark = pytest.mark.integration
CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer"


def export(name: str, settings: Settings, into: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-m", "deploy", "principals", "export", name, "--format", "properties",
         "--bootstrap", settings.kafka_bootstrap],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    path = into / f"{name}.properties"
    path.write_text(done.stdout, encoding="ascii")
    return path


def console_consumer(config: Path, topic: str, group: str) -> subprocess.CompletedProcess[str]:
    """Run from the config's folder: the tool writes its own log file where it runs."""
    settings = Settings()
    jars = BrokerLayout(settings.state_dir.resolve(), settings.kafka_version).jars
    return subprocess.run(
        [require_tool("java", "openjdk-17-jre-headless"), "-cp", f"{jars}/*", CONSOLE_CONSUMER,
         "--bootstrap-server", settings.kafka_bootstrap, "--command-config", str(config),
         "--topic", topic, "--group", group, "--from-beginning", "--max-messages", "1",
         "--timeout-ms", "20000"],
        capture_output=True, text=True, timeout=90, check=False, cwd=config.parent,
    )  # fmt: skip


async def test_the_exported_properties_fence_the_console_consumer(
    kafka_admin_access: KafkaAccess, unique: str, tmp_path: Path
) -> None:
    settings = Settings(kafka_bootstrap=kafka_admin_access.bootstrap, topic_prefix=f"cc{unique}")
    await plan_and_apply(kafka_admin_access, settings, dry_run=False)
    topics = Topics(settings.topic_prefix)
    producer = AIOKafkaProducer(**kafka_admin_access.aiokafka())
    await producer.start()
    try:
        for code in ("tax", "public_security"):
            await producer.send_and_wait(topics.department(code).tasks, f"{code}-task".encode())
    finally:
        await producer.stop()
    config = export("tax", settings, tmp_path)
    group = topics.adapter_group("tax")
    own = console_consumer(config, topics.department("tax").tasks, group)
    assert own.stdout.strip() == "tax-task", own.stderr[-2000:]
    theirs = console_consumer(config, topics.department("public_security").tasks, group)
    assert "public_security-task" not in theirs.stdout
    # The tool logs the refusal (its log goes to stdout or stderr by log4j's defaults).
    assert "TopicAuthorizationException" in theirs.stdout + theirs.stderr

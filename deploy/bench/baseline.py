"""Kafka's own limit on this machine, in the same run: the same number of messages of the same
size through aiokafka alone (the bus's producer settings), and through Kafka's perf tools."""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from deploy.applicant import bus_producer
from topology.kafka_access import KafkaAccess
from topology.settings import PRODUCER_BATCH_BYTES


@dataclass(frozen=True)
class Baseline:
    tool: str
    messages: int
    record_bytes: int
    produce_msgs_s: float
    consume_msgs_s: float


async def create_topic(access: KafkaAccess, name: str, partitions: int) -> None:
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()


async def aiokafka_baseline(
    access: KafkaAccess, topic: str, messages: int, size: int, partitions: int, linger_ms: float
) -> Baseline:
    """acks=all, idempotent, the bus's linger, futures awaited in batches of 5,000."""
    await create_topic(access, topic, partitions)
    payload = b"x" * size
    producer = bus_producer(access, linger_ms)
    await producer.start()
    began = time.perf_counter()
    try:
        for start in range(0, messages, 5000):
            futures = [await producer.send(topic, payload, key=str(i).encode())
                       for i in range(start, min(messages, start + 5000))]  # fmt: skip
            await asyncio.gather(*futures)
    finally:
        await producer.stop()
    produced = time.perf_counter() - began
    consumed = await _consume_all(access, topic, messages)
    return Baseline("aiokafka", messages, size, messages / produced, messages / consumed)


async def _consume_all(access: KafkaAccess, topic: str, messages: int) -> float:
    consumer = AIOKafkaConsumer(topic, **access.aiokafka(), group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)  # fmt: skip
    await consumer.start()
    began, seen = time.perf_counter(), 0
    try:
        while seen < messages and time.perf_counter() - began < 300:
            batches = await consumer.getmany(timeout_ms=500, max_records=20000)
            seen += sum(len(records) for records in batches.values())
    finally:
        await consumer.stop()
    return time.perf_counter() - began


def kafka_tools_baseline(
    jars: Path, access: KafkaAccess, topic: str, messages: int, size: int, linger_ms: float
) -> Baseline | None:
    """Kafka's ProducerPerformance and ConsumerPerformance, or None if they fail; secured,
    with the principal's properties file (never a password on the command line)."""
    java = ["java", "-Xmx512m", "-cp", f"{jars}/*"]
    bootstrap, config = access.bootstrap, tool_config(access)
    produce = subprocess.run([
        *java, "org.apache.kafka.tools.ProducerPerformance", "--topic", topic,
        "--num-records", str(messages), "--record-size", str(size), "--throughput", "-1",
        "--producer-props", f"bootstrap.servers={bootstrap}", "acks=all",
        "enable.idempotence=true", f"linger.ms={linger_ms:g}", f"batch.size={PRODUCER_BATCH_BYTES}",
        *config,
    ], capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    consume = subprocess.run([
        *java, "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap,
        "--topic", topic, "--messages", str(messages), "--timeout", "60000", *config,
    ], capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    produced = re.findall(r"([\d.]+) records/sec", produce.stdout)
    consumed = _consumer_rate(consume.stdout)
    if not produced or consumed is None:
        return None
    return Baseline("kafka-perf-tools", messages, size, float(produced[-1]), consumed)


def tool_config(access: KafkaAccess) -> list[str]:
    """``--command-config FILE`` for Kafka's Java tools, when the access came from a file."""
    return ["--command-config", str(access.properties)] if access.properties else []


def _consumer_rate(output: str) -> float | None:
    """nMsg.sec from ConsumerPerformance's CSV output."""
    lines = [line for line in output.splitlines() if line.strip()]
    header = next((i for i, line in enumerate(lines) if "nMsg.sec" in line), None)
    if header is None or header + 1 >= len(lines):
        return None
    names = [n.strip() for n in lines[header].split(",")]
    values = [v.strip() for v in lines[header + 1].split(",")]
    try:
        return float(values[names.index("nMsg.sec")])
    except (ValueError, IndexError):
        return None

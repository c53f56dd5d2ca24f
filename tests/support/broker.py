"""Where the tests' real Kafka broker comes from: env, testcontainers, or our own launcher."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from deploy.broker import Broker
from deploy.broker.probe import free_port, port_is_free
from topology.settings import Settings


def free_port_block(count: int, attempts: int = 50) -> int:
    """The first of ``count`` consecutive ports that are all free now (a local cluster takes
    three per node)."""
    for _ in range(attempts):
        base = free_port()
        if base + count < 65535 and all(port_is_free(base + n) for n in range(count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1")


def docker_engine_answers() -> bool:
    """True when a Docker engine answers a ping (the docker client alone is not enough)."""
    try:
        import docker

        client = docker.from_env(timeout=3)
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - no engine, no socket, no permission: all mean "no"
        return False


@contextlib.contextmanager
def testcontainers_kafka() -> Iterator[str]:
    """A KRaft Kafka in a container, for machines that have a Docker engine."""
    from testcontainers.kafka import KafkaContainer

    with KafkaContainer("apache/kafka:4.1.1").with_kraft() as kafka:
        yield kafka.get_bootstrap_server()


@contextlib.contextmanager
def launcher_kafka(settings: Settings) -> Iterator[str]:
    """The project's own broker; stopped afterwards only if this session started it."""
    broker = Broker(settings)
    report = broker.start()
    try:
        yield report.bootstrap
    finally:
        if not report.already_running:
            broker.stop()


@contextlib.contextmanager
def real_kafka(settings: Settings) -> Iterator[str]:
    """Bootstrap servers of a real broker: ONETHING_KAFKA_BOOTSTRAP, a container (only in the
    PLAINTEXT mode: the image has none of the launcher's security), or ours."""
    explicit = os.environ.get("ONETHING_KAFKA_BOOTSTRAP")
    docker = os.environ.get("ONETHING_TEST_DOCKER", "auto") != "never"
    if explicit:
        yield explicit
    elif docker and not settings.secured and docker_engine_answers():
        with testcontainers_kafka() as bootstrap:
            yield bootstrap
    else:
        with launcher_kafka(settings) as bootstrap:
            yield bootstrap

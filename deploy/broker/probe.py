"""Is a Kafka broker answering? One metadata request through aiokafka, bounded in time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Collection, Iterator

from aiokafka.admin import AIOKafkaAdminClient

from topology.kafka_access import KafkaAccess


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


async def answers_metadata(
    access: KafkaAccess,
    wait_s: float = 3.0,
    brokers: Collection[int] = (),
    *,
    coordinator: bool = True,
) -> bool:
    """True when the broker answers ``access``'s metadata request, lists every node id of
    ``brokers`` among its live brokers, and (``coordinator``) has a group coordinator, each
    within ``wait_s`` (secured: authenticated as its principal)."""
    admin = AIOKafkaAdminClient(**access.aiokafka(), request_timeout_ms=int(wait_s * 1000))
    try:
        await asyncio.wait_for(admin.start(), wait_s)
        await asyncio.wait_for(admin.list_topics(), wait_s)
        if brokers and not set(brokers) <= await asyncio.wait_for(live_brokers(admin), wait_s):
            return False
        # A fresh broker answers metadata before it can coordinate groups; workers that join
        # then fail oddly (Faust crashes its agents), so "ready" includes a coordinator.
        if coordinator:
            await asyncio.wait_for(admin.find_coordinator("onething-probe"), wait_s)
    except (TimeoutError, OSError, Exception):  # noqa: BLE001 - any failure means "not yet"
        return False
    finally:
        with contextlib.suppress(Exception):
            await admin.close()
    return True


async def live_brokers(admin: AIOKafkaAdminClient) -> set[int]:
    """The node ids of the brokers the cluster's metadata lists as live."""
    cluster = await admin.describe_cluster()
    return {int(broker["node_id"]) for broker in cluster["brokers"]}


def broker_answers(
    access: KafkaAccess,
    timeout: float = 3.0,
    brokers: Collection[int] = (),
    *,
    coordinator: bool = True,
) -> bool:
    """Synchronous form of :func:`answers_metadata`, for the CLI and sync fixtures."""
    with _quiet("aiokafka"):
        return asyncio.run(answers_metadata(access, timeout, brokers, coordinator=coordinator))


@contextlib.contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Polling a broker that is still starting makes aiokafka log every refused connection."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)

"""`principals rotate` on a running broker: new connections need the new password and the
bus's own client file has it; no secret is printed."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from topology.kafka_access import KafkaAccess, kafka_access
from topology.settings import Settings

pytestmark = pytest.mark.integration
NAME = "ops"


async def connects(access: KafkaAccess) -> bool:
    admin = AIOKafkaAdminClient(**access.aiokafka(), request_timeout_ms=5_000)
    try:
        await asyncio.wait_for(admin.start(), 15)
        await admin.list_topics()
    except (KafkaError, TimeoutError):
        return False
    finally:
        await admin.close()
    return True


async def test_rotation_replaces_the_password_without_a_restart(kafka_bootstrap: str) -> None:
    settings = Settings(kafka_bootstrap=kafka_bootstrap)
    old = kafka_access(settings, NAME)
    assert await connects(old)
    command = [sys.executable, "-m", "deploy", "principals", "rotate", NAME]
    done = await asyncio.to_thread(
        subprocess.run, command, capture_output=True, text=True, timeout=90, check=False
    )
    assert done.returncode == 0, done.stderr
    new = kafka_access(settings, NAME)
    assert new.password != old.password
    assert new.password is not None
    assert new.password.reveal() not in done.stdout + done.stderr
    assert await connects(new)
    assert not await connects(old)

"""Readiness across processes: a child writes a marker file once it serves; the parent waits
for it. (Asking the broker instead, with DescribeGroups, breaks aiokafka 0.14 against Kafka
4.3: "Buffer underrun decoding string"; see deploy/kafka/README.md.)"""

from __future__ import annotations

import os
from pathlib import Path

READY_FILE_ENV = "ONETHING_READY_FILE"


def mark_ready() -> None:
    """Say "I serve" to whoever started this process, if anyone asked."""
    path = os.environ.get(READY_FILE_ENV)
    if path:
        Path(path).write_text(str(os.getpid()), encoding="ascii")

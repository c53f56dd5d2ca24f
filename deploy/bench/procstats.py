"""CPU seconds and peak RSS of a process, read from /proc (Linux)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ProcSample:
    cpu_s: float
    peak_rss_mb: float


def sample(pid: int) -> ProcSample | None:
    """User+system CPU of ``pid`` and its reaped children, and its peak RSS (VmHWM)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    cpu = sum(int(fields[i]) for i in (11, 12, 13, 14)) / _TICKS
    hwm = next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")), "0")
    return ProcSample(cpu, int(hwm) / 1024)


def self_sample() -> ProcSample:
    found = sample(os.getpid())
    return found if found is not None else ProcSample(0.0, 0.0)

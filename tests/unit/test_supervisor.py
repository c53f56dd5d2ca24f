"""The bus's processes do not outlive the process that started them, however it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

_PARENT = """
import sys, time
from pathlib import Path
from deploy.supervisor import Component, Supervisor
from topology.settings import Settings
settings = Settings().model_copy(update={"topic_prefix": "orphans", "state_dir": Path(sys.argv[1])})
sleeper = Component("sleeper", (sys.executable, "-c", "import time; time.sleep(600)"))
supervisor = Supervisor(settings, [sleeper])
supervisor.start()
print(supervisor.processes["sleeper"].pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for a reaper."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_a_component_ends_when_its_supervisor_is_killed(tmp_path: Path) -> None:
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert _alive(child)
    os.kill(parent.pid, signal.SIGKILL)  # no chance to stop its children itself
    parent.wait()
    deadline = time.monotonic() + 20
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the component outlived its supervisor"

"""A short fault storm, run as an operator runs it (`onething chaos`): a three-node cluster
of its own, the whole bus, the national mix, and every kind of fault (a streams worker, the
certificate service, the adapters and one broker SIGKILLed and restarted, something paused):
no case lost, no certificate or completion twice, counted from the records."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.broker.probe import free_port
from tests.support.broker import free_port_block
from topology.settings import Settings

pytestmark = pytest.mark.e2e

CASES, FAULTS = 1000, 5


def _chaos_env(state: Path) -> dict[str, str]:
    """A cluster on ports and a state directory of its own, sharing the session's jars."""
    jars = (Settings().state_dir / "kafka").resolve()
    state.mkdir()
    (state / "kafka").symlink_to(jars)
    elsewhere = ("ONETHING_KAFKA_BOOTSTRAP", "ONETHING_KAFKA_CLIENT_PROPERTIES")
    env = {k: v for k, v in os.environ.items() if k not in elsewhere}
    base = free_port_block(9)
    return env | {"ONETHING_STATE_DIR": str(state), "ONETHING_BROKER_PORT": str(base),
                  "ONETHING_CONTROLLER_PORT": str(base + 1),
                  "ONETHING_STREAMS_WEB_PORT": str(free_port())}  # fmt: skip


def test_a_fault_storm_on_three_brokers_loses_nothing_and_duplicates_nothing(
    kafka_bootstrap, tmp_path
):
    out = tmp_path / "chaos.json"
    done = subprocess.run(
        [sys.executable, "-m", "deploy", "chaos", "--cases", str(CASES), "--faults",
         str(FAULTS), "--seed", "11", "--nodes", "3", "--json", str(out)],
        env=_chaos_env(tmp_path / "state"), capture_output=True, text=True, timeout=1500,
        check=False,
    )  # fmt: skip
    # The first error is at the start of stderr; what a dying process logs after it is noise.
    assert out.exists(), done.stdout[-3000:] + done.stderr[:6000]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["brokers"] == 3
    assert report["cases"]["submitted"] == CASES
    assert report["cases"]["lost"] == 0, (report["cases"], report["dead_letters"])
    assert report["cases"]["terminal"] == CASES
    assert set(report["duplicates"].values()) == {0}, report["duplicates"]
    kinds = report["by_kind"]
    assert {kind for kind, entry in kinds.items() if entry["kills"]} == {
        "streams", "certificates", "adapters", "broker"}  # fmt: skip
    assert sum(entry["pauses"] for entry in kinds.values()) >= 1
    assert report["passed"]
    assert done.returncode == 0, done.stdout[-3000:]

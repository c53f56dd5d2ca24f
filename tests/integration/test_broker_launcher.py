"""The launcher itself: idempotent start, clear errors, nothing left after stop."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from deploy.broker import Broker, BrokerError
from deploy.broker.jars import require_tool
from deploy.broker.probe import free_port, port_is_free
from topology.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def own_broker(tmp_path, kafka_bootstrap) -> Broker:
    """A second broker in its own state dir, sharing the session broker's cached jars."""
    settings = Settings()
    jars_root = (settings.state_dir / "kafka").resolve()
    state = tmp_path / "state"
    state.mkdir()
    (state / "kafka").symlink_to(jars_root)
    port = free_port()
    return Broker(Settings(state_dir=state, broker_port=port, controller_port=free_port()))


@pytest.mark.skipif(
    bool(os.environ.get("ONETHING_KAFKA_BOOTSTRAP")), reason="an external broker is in use"
)
def test_start_twice_is_one_broker_and_stop_leaves_nothing(own_broker):
    first = own_broker.start()
    try:
        assert not first.already_running
        pid = own_broker.pid()
        assert pid is not None
        second = own_broker.start()
        assert second.already_running
        assert own_broker.pid() == pid
        assert own_broker.status().answers
    finally:
        assert own_broker.stop()
    assert own_broker.pid() is None
    cmdline = Path(f"/proc/{pid}/cmdline")
    assert not cmdline.exists() or b"kafka.Kafka" not in cmdline.read_bytes()
    assert port_is_free(own_broker.settings.broker_port)
    assert not own_broker.stop(), "a second stop finds nothing to stop"


def test_busy_port_names_the_setting_to_change(own_broker):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", own_broker.settings.broker_port))
        squatter.listen()
        with pytest.raises(BrokerError) as caught:
            own_broker.start()
    assert "already in use" in caught.value.cause
    assert "ONETHING_BROKER_PORT" in caught.value.fix
    assert own_broker.pid() is None


def test_missing_tool_says_how_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BrokerError) as caught:
        require_tool("java", "openjdk-17-jre-headless")
    assert "'java' was not found" in caught.value.cause
    assert "apt-get install -y openjdk-17-jre-headless" in caught.value.fix


@pytest.mark.skipif(
    bool(os.environ.get("ONETHING_KAFKA_BOOTSTRAP")), reason="an external broker is in use"
)
def test_a_start_that_times_out_leaves_no_jvm_running(own_broker):
    hasty = Broker(own_broker.settings.model_copy(update={"broker_start_timeout": 0.5}))
    with pytest.raises(BrokerError) as caught:
        hasty.start()
    assert "were stopped" in caught.value.fix
    assert hasty.pid() is None
    assert port_is_free(hasty.settings.broker_port)
    assert not any(
        b"kafka.Kafka" in p.read_bytes() and str(hasty.layout.home).encode() in p.read_bytes()
        for p in Path("/proc").glob("[0-9]*/cmdline") if _readable(p)
    ), "no JVM of this state dir is left"
    assert not hasty.stop(), "nothing to stop"


def _readable(path: Path) -> bool:
    try:
        path.read_bytes()
    except OSError:
        return False
    return True

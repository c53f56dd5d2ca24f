"""Start, stop and inspect the local KRaft cluster (one node or several on loopback);
idempotent in both directions."""

from __future__ import annotations

import base64
import contextlib
import os
import resource
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from deploy.broker.config import NodePorts, cluster_ports, server_properties
from deploy.broker.errors import BrokerError
from deploy.broker.jars import fetch_jars, require_tool
from deploy.broker.layout import BrokerLayout, NodeLayout
from deploy.broker.probe import broker_answers, port_is_free
from deploy.security.credentials import CredentialStore
from deploy.security.files import SecurityLayout
from deploy.security.provision import provision
from deploy.security.scram import register_scram
from topology.catalog import all_catalogs
from topology.kafka_access import KafkaAccess, client_properties_path, read_client_properties
from topology.principals import bus_principals, department_codes
from topology.settings import Settings

_STOP_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class NodeStatus:
    """One node of the local cluster."""

    node_id: int
    running: bool
    pid: int | None
    bootstrap: str
    answers: bool


def new_cluster_id(draw: Callable[[], bytes] = lambda: uuid.uuid4().bytes) -> str:
    """A KRaft cluster id: 16 random bytes in URL-safe base64 that does not start with "-".

    Kafka's own Uuid.randomUuid draws again for a leading "-", because a tool given
    `-t -abc` reads the id as an option; a stored id from before is still passed safely
    as `--cluster-id=...`.
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(draw()).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


@dataclass(frozen=True)
class BrokerStatus:
    """What `onething broker status` reports: the cluster, then each node."""

    running: bool
    pid: int | None
    bootstrap: str
    answers: bool
    secured: bool
    nodes: tuple[NodeStatus, ...] = ()


@dataclass(frozen=True)
class StartReport:
    """What a start did: whether it was already running, downloaded jars, and how long."""

    already_running: bool
    downloaded: bool
    seconds: float
    bootstrap: str
    secured: bool = True
    principals_created: tuple[str, ...] = ()
    nodes: int = 1


class Broker:
    """The project's own Kafka cluster of one or more KRaft nodes on loopback, described by
    settings (``ONETHING_BROKER_NODES``; unset: the cluster running under the state directory,
    else one node)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        layout = BrokerLayout(settings.state_dir.resolve(), settings.kafka_version)
        self.size = settings.broker_nodes or _running_size(layout) or 1
        self.layout = layout.with_size(self.size)
        self.ports = cluster_ports(settings.broker_port, settings.resolved_controller_port,
                                   self.size)  # fmt: skip
        self.bootstrap = ",".join(f"127.0.0.1:{node.client}" for node in self.ports)
        self.internal_bootstrap = ",".join(f"127.0.0.1:{node.internal}" for node in self.ports)
        self.security = SecurityLayout(settings.state_dir.resolve())

    @property
    def secured(self) -> bool:
        return self.settings.secured

    @property
    def node_ids(self) -> tuple[int, ...]:
        return tuple(node.node_id for node in self.ports)

    def admin_access(
        self, bootstrap: str | None = None, *, secured: bool | None = None
    ) -> KafkaAccess:
        """How the launcher itself reaches the broker: as ``admin`` (the super user)."""
        bootstrap = bootstrap or self.bootstrap
        if not (self.secured if secured is None else secured):
            return KafkaAccess(bootstrap)
        path = client_properties_path(self.security.state_dir, "admin")
        return read_client_properties(path, bootstrap=bootstrap)

    def node_bootstrap(self, node_id: int) -> str:
        return f"127.0.0.1:{self._ports(node_id).client}"

    def pid(self, node_id: int | None = None) -> int | None:
        """The pid of that node's running JVM (None: of the first running node), or None;
        stale pid files are ignored."""
        if node_id is None:
            pids = (self.pid(node) for node in self.node_ids)
            return next((pid for pid in pids if pid is not None), None)
        return _node_pid(self.layout.node(node_id))

    def status(self) -> BrokerStatus:
        nodes = []
        for node_id in self.node_ids:
            pid = self.pid(node_id)
            address = self.node_bootstrap(node_id)
            access = self.admin_access(address, secured=self._runs_secured(node_id))
            answers = pid is not None and broker_answers(access, coordinator=False)
            nodes.append(NodeStatus(node_id, pid is not None, pid, address, answers))
        running = all(node.running for node in nodes)
        answers = any(node.answers for node in nodes)
        return BrokerStatus(running, self.pid(), self.bootstrap, answers, self.secured,
                            tuple(nodes))  # fmt: skip

    def start(self, node_id: int | None = None) -> StartReport:
        """Fetch jars if needed, format storage once, start every node's JVM that is not
        running (or only ``node_id``'s) and wait until the cluster answers with all of them."""
        began = time.monotonic()
        other = _running_size(self.layout)
        if other is not None and other != self.size:
            raise BrokerError(
                f"a {other}-node cluster of this state directory is running "
                f"({self.layout.with_size(other).home}), and would hold the ports",
                f"stop it first (`onething broker stop`), then start the {self.size}-node one",
            )
        wanted = self.node_ids if node_id is None else (self._ports(node_id).node_id,)
        stopped = [node for node in wanted if self.pid(node) is None]
        if len(stopped) < self.size:
            self._check_mode()
        created = self._provision() if self.secured else ()
        if not stopped:
            self._register_principals(began, {})
            self._wait_until_ready(began, {}, wanted)
            return StartReport(True, False, time.monotonic() - began, self.bootstrap,
                               self.secured, created, self.size)  # fmt: skip
        downloaded = fetch_jars(self.layout)
        self._check_ports(stopped)
        cluster_id = self._cluster_id()
        processes = {}
        for node in stopped:
            self._write_config(node)
            self._format_storage(node, cluster_id)
        for node in stopped:
            processes[node] = self._launch(node)
            self.layout.node(node).pid_file.write_text(str(processes[node].pid), "utf-8")
        try:
            if node_id is None:
                # One node restarted into a running cluster finds the credentials in the
                # metadata it replays; registering them again waits on a quorum still busy
                # taking it back.
                self._register_principals(began, processes)
            self._wait_until_ready(began, processes, wanted)
        except BrokerError as error:
            # A start that failed leaves nothing running: a JVM left behind would hold the
            # ports and be taken for a broker by the next start.
            for node in processes:
                self.stop(node)
            launched = ", ".join(map(str, processes))
            raise BrokerError(error.cause, f"{error.fix} (node(s) {launched}, launched by this "
                              "start, were stopped)", detail=error.detail) from error  # fmt: skip
        return StartReport(False, downloaded, time.monotonic() - began, self.bootstrap,
                           self.secured, created, self.size)  # fmt: skip

    def kill(self, node_id: int, sig: signal.Signals = signal.SIGKILL) -> bool:
        """Send one node's JVM a signal (a crash, a pause, a resume); False when not running."""
        pid = self.pid(node_id)
        if pid is None:
            return False
        os.killpg(pid, sig)
        return True

    def _ports(self, node_id: int) -> NodePorts:
        for node in self.ports:
            if node.node_id == node_id:
                return node
        raise BrokerError(f"there is no node {node_id} in this {self.size}-node cluster",
                          f"name a node from 1 to {self.size}")  # fmt: skip

    def _cluster_id(self) -> str:
        path = self.layout.home / "cluster-id"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        cluster_id = new_cluster_id()
        self.layout.home.mkdir(parents=True, exist_ok=True)
        path.write_text(cluster_id, encoding="utf-8")
        return cluster_id

    def _provision(self) -> tuple[str, ...]:
        principals = bus_principals(department_codes(all_catalogs()))
        return provision(self.security, principals, self.bootstrap).created

    def _register_principals(
        self, began: float, processes: dict[int, subprocess.Popen[bytes]]
    ) -> None:
        """Every principal's SCRAM credential, over the mutual-TLS listener (no password on
        a command line); again on each start, so principals added since are known."""
        if not self.secured:
            return
        remaining = self.settings.broker_start_timeout - (time.monotonic() - began)
        try:
            register_scram(self.security, CredentialStore(self.security.credentials),
                           self.internal_bootstrap, max(remaining, 5.0))  # fmt: skip
        except BrokerError:
            self._raise_if_exited(processes)
            raise

    def _runs_secured(self, node_id: int) -> bool:
        """Whether the node's configuration is the secured one (as last written)."""
        config = self.layout.node(node_id).config
        if not config.exists():
            return self.secured
        return "SASL_SSL" in config.read_text(encoding="utf-8")

    def _check_mode(self) -> None:
        """A running broker in the other mode would refuse every client of this one."""
        for node_id in self.node_ids:
            if self.pid(node_id) is None:
                continue
            running_secured = self._runs_secured(node_id)
            if running_secured != self.secured:
                mode = "secured" if running_secured else "PLAINTEXT (ONETHING_SECURITY=off)"
                raise BrokerError(
                    f"the running broker on {self.bootstrap} is {mode}",
                    "stop it first (`onething broker stop`), then start it in the mode wanted",
                )

    def stop(self, node_id: int | None = None) -> bool:
        """Stop every node (or one) and wait for the JVMs to exit; False when none ran."""
        nodes = self.node_ids if node_id is None else (self._ports(node_id).node_id,)
        pids = {node: self.pid(node) for node in nodes}
        for pid in pids.values():
            if pid is not None:
                os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + _STOP_GRACE_SECONDS
        for node, pid in pids.items():
            if pid is not None:
                _wait_exit(pid, deadline)
            self.layout.node(node).pid_file.unlink(missing_ok=True)
        return any(pid is not None for pid in pids.values())

    def logs(self, lines: int = 50, node_id: int | None = None) -> str:
        nodes = self.node_ids if node_id is None else (self._ports(node_id).node_id,)
        return "\n".join(self.layout.node(node).tail(lines) for node in nodes)

    def _check_ports(self, nodes: list[int]) -> None:
        for node_id in nodes:
            ports = self._ports(node_id)
            named = [("ONETHING_BROKER_PORT", ports.client),
                     ("ONETHING_CONTROLLER_PORT", ports.controller)]  # fmt: skip
            if self.secured:
                named.append(("ONETHING_CONTROLLER_PORT (the mutual-TLS port after it)",
                              ports.internal))  # fmt: skip
            for name, port in named:
                if not port_is_free(port):
                    which = f" (node {node_id})" if self.size > 1 else ""
                    raise BrokerError(
                        f"port {port}{which} on 127.0.0.1 is already in use by another process",
                        f"stop that process or set {name} to a free port",
                    )

    def _write_config(self, node_id: int) -> None:
        node = self.layout.node(node_id)
        node.logs.mkdir(parents=True, exist_ok=True)
        node.data.mkdir(parents=True, exist_ok=True)
        text = server_properties(node, self._ports(node_id), self.ports,
                                 security=self.security if self.secured else None)  # fmt: skip
        node.config.write_text(text, encoding="utf-8")

    def _java(self, node: NodeLayout, main: str, *args: str, heap: str = "256m") -> list[str]:
        return [
            require_tool("java", "openjdk-17-jre-headless"),
            f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.layout.log4j_config}",
            f"-Dkafka.logs.dir={node.logs}",
            "-cp", f"{self.layout.jars}/*", main, *args,
        ]  # fmt: skip

    def _format_storage(self, node_id: int, cluster_id: str) -> None:
        node = self.layout.node(node_id)
        if node.formatted:
            return
        cmd = self._java(node, "kafka.tools.StorageTool", "format", f"--cluster-id={cluster_id}",
                         "-c", str(node.config))  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BrokerError(
                f"formatting KRaft storage of node {node_id} failed",
                f"remove {self.layout.home} and start again",
                detail=(done.stdout + done.stderr)[-4000:],
            )

    def _launch(self, node_id: int) -> subprocess.Popen[bytes]:
        node = self.layout.node(node_id)
        cmd = self._java(node, "kafka.Kafka", str(node.config), heap=self.settings.broker_heap)
        with node.console_log.open("ab") as console:
            return subprocess.Popen(
                cmd, stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=node.home, preexec_fn=_raise_file_limit,
            )  # fmt: skip

    def _wait_until_ready(
        self, began: float, processes: dict[int, subprocess.Popen[bytes]], nodes: Sequence[int]
    ) -> None:
        """Until each of ``nodes`` answers on its own address (the cluster's metadata lists a
        node killed a moment ago as live until its session times out) and the cluster
        answers with them among its live brokers and a group coordinator."""
        deadline = began + self.settings.broker_start_timeout
        while time.monotonic() < deadline:
            self._raise_if_exited(processes)
            own = (self.admin_access(self.node_bootstrap(node)) for node in nodes)
            if all(broker_answers(access, 2.0, coordinator=False) for access in own) and \
                    broker_answers(self.admin_access(), 2.0, brokers=nodes):
                return
            time.sleep(0.2)
        raise BrokerError(
            f"the broker did not answer a metadata request on {self.bootstrap} with node(s) "
            f"{', '.join(map(str, nodes))} within {self.settings.broker_start_timeout:.0f}s",
            "read the log tail below, or raise ONETHING_BROKER_START_TIMEOUT",
            detail=self.logs(20),
        )

    def _raise_if_exited(self, processes: dict[int, subprocess.Popen[bytes]]) -> None:
        for node_id, process in processes.items():
            if process.poll() is not None:
                self._exited(node_id, process)

    def _exited(self, node_id: int, process: subprocess.Popen[bytes]) -> NoReturn:
        node = self.layout.node(node_id)
        node.pid_file.unlink(missing_ok=True)
        raise BrokerError(
            f"the broker JVM of node {node_id} exited with code {process.returncode} while "
            "starting",
            f"read the log tail below or `onething broker logs`; state is in {node.home}",
            detail=node.tail(),
        )


def _running_size(layout: BrokerLayout) -> int | None:
    """The size of a cluster under the state directory with a node running, if any."""
    for size in layout.sizes_on_disk():
        nodes = layout.with_size(size)
        for node_id in range(1, size + 1):
            if _node_pid(nodes.node(node_id)) is not None:
                return size
    return None


def _node_pid(node: NodeLayout) -> int | None:
    """The pid of the node's running JVM, or None; stale pid files are ignored."""
    try:
        pid = int(node.pid_file.read_text(encoding="utf-8").strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (OSError, ValueError):
        return None
    return pid if "kafka.Kafka" in cmdline and str(node.config) in cmdline else None


def _wait_exit(pid: int, deadline: float) -> None:
    """Until ``pid`` exits: SIGKILL once the grace period has passed."""
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(pid):
        os.killpg(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.05)


def _raise_file_limit() -> None:
    """Each partition keeps files open: give the JVM as many descriptors as allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1 << 20
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child of ours is dead for our purposes.
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").split()[2]
    except OSError:
        return False
    return state != "Z"

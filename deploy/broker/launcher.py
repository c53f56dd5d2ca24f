"""Start, stop and inspect the local single-node KRaft broker; idempotent in both directions."""

from __future__ import annotations

import base64
import contextlib
import os
import resource
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from deploy.broker.config import server_properties
from deploy.broker.errors import BrokerError
from deploy.broker.jars import fetch_jars, require_tool
from deploy.broker.layout import BrokerLayout
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
class BrokerStatus:
    """What `onething broker status` reports."""

    running: bool
    pid: int | None
    bootstrap: str
    answers: bool
    secured: bool


@dataclass(frozen=True)
class StartReport:
    """What a start did: whether it was already running, downloaded jars, and how long."""

    already_running: bool
    downloaded: bool
    seconds: float
    bootstrap: str
    secured: bool = True
    principals_created: tuple[str, ...] = ()


class Broker:
    """The project's own Kafka broker process, described by settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.layout = BrokerLayout(settings.state_dir.resolve(), settings.kafka_version)
        self.bootstrap = f"127.0.0.1:{settings.broker_port}"
        self.internal_bootstrap = f"127.0.0.1:{settings.internal_port}"
        self.security = SecurityLayout(settings.state_dir.resolve())

    @property
    def secured(self) -> bool:
        return self.settings.secured

    def admin_access(self) -> KafkaAccess:
        """How the launcher itself reaches the broker: as ``admin`` (the super user)."""
        if not self.secured:
            return KafkaAccess(self.bootstrap)
        path = client_properties_path(self.security.state_dir, "admin")
        return read_client_properties(path, bootstrap=self.bootstrap)

    def pid(self) -> int | None:
        """The pid of our running broker JVM, or None (stale pid files are ignored)."""
        try:
            pid = int(self.layout.pid_file.read_text(encoding="utf-8").strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except (OSError, ValueError):
            return None
        return pid if "kafka.Kafka" in cmdline and str(self.layout.config) in cmdline else None

    def status(self) -> BrokerStatus:
        pid = self.pid()
        answers = pid is not None and broker_answers(self.admin_access())
        return BrokerStatus(pid is not None, pid, self.bootstrap, answers, self.secured)

    def start(self) -> StartReport:
        """Fetch jars if needed, format storage once, start the JVM and wait until it answers."""
        began = time.monotonic()
        running = self.pid() is not None
        if running:
            self._check_mode()
        created = self._provision() if self.secured else ()
        if running:
            self._register_principals(began)
            self._wait_until_ready(began)
            return StartReport(True, False, time.monotonic() - began, self.bootstrap,
                               self.secured, created)  # fmt: skip
        downloaded = fetch_jars(self.layout)
        self._check_ports()
        self._write_config()
        self._format_storage()
        process = self._launch()
        self.layout.pid_file.write_text(str(process.pid), encoding="utf-8")
        self._register_principals(began, process)
        self._wait_until_ready(began, process)
        return StartReport(False, downloaded, time.monotonic() - began, self.bootstrap,
                           self.secured, created)  # fmt: skip

    def _provision(self) -> tuple[str, ...]:
        principals = bus_principals(department_codes(all_catalogs()))
        return provision(self.security, principals, self.bootstrap).created

    def _register_principals(
        self, began: float, process: subprocess.Popen[bytes] | None = None
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
            if process is not None and process.poll() is not None:
                self._exited(process)
            raise

    def _check_mode(self) -> None:
        """A running broker in the other mode would refuse every client of this one."""
        running_secured = "SASL_SSL" in self.layout.config.read_text(encoding="utf-8")
        if running_secured != self.secured:
            mode = "secured" if running_secured else "PLAINTEXT (ONETHING_SECURITY=off)"
            raise BrokerError(
                f"the running broker on {self.bootstrap} is {mode}",
                "stop it first (`onething broker stop`), then start it in the mode wanted",
            )

    def stop(self) -> bool:
        """Stop the broker and wait for its JVM to exit; False when none was running."""
        pid = self.pid()
        if pid is None:
            self.layout.pid_file.unlink(missing_ok=True)
            return False
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + _STOP_GRACE_SECONDS
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.05)
        self.layout.pid_file.unlink(missing_ok=True)
        return True

    def logs(self, lines: int = 50) -> str:
        return self.layout.tail(lines)

    def _check_ports(self) -> None:
        ports = [
            ("ONETHING_BROKER_PORT", self.settings.broker_port),
            ("ONETHING_CONTROLLER_PORT", self.settings.resolved_controller_port),
        ]
        if self.secured:
            ports.append(("ONETHING_CONTROLLER_PORT (the mutual-TLS port after it)",
                          self.settings.internal_port))  # fmt: skip
        for name, port in ports:
            if not port_is_free(port):
                raise BrokerError(
                    f"port {port} on 127.0.0.1 is already in use by another process",
                    f"stop that process or set {name} to a free port",
                )

    def _write_config(self) -> None:
        self.layout.logs.mkdir(parents=True, exist_ok=True)
        self.layout.data.mkdir(parents=True, exist_ok=True)
        text = server_properties(
            self.layout, self.settings.broker_port, self.settings.resolved_controller_port,
            internal_port=self.settings.internal_port,
            security=self.security if self.secured else None,
        )  # fmt: skip
        self.layout.config.write_text(text, encoding="utf-8")

    def _java(self, main: str, *args: str, heap: str = "256m") -> list[str]:
        return [
            require_tool("java", "openjdk-17-jre-headless"),
            f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.layout.log4j_config}",
            f"-Dkafka.logs.dir={self.layout.logs}",
            "-cp", f"{self.layout.jars}/*", main, *args,
        ]  # fmt: skip

    def _format_storage(self) -> None:
        if (self.layout.data / "meta.properties").exists():
            return
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        cmd = self._java(
            "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(self.layout.config)
        )
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BrokerError(
                "formatting KRaft storage failed",
                f"remove {self.layout.data} and start again",
                detail=(done.stdout + done.stderr)[-4000:],
            )

    def _launch(self) -> subprocess.Popen[bytes]:
        cmd = self._java("kafka.Kafka", str(self.layout.config), heap=self.settings.broker_heap)
        with self.layout.console_log.open("ab") as console:
            return subprocess.Popen(
                cmd, stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=self.layout.home, preexec_fn=_raise_file_limit,
            )  # fmt: skip

    def _wait_until_ready(
        self, began: float, process: subprocess.Popen[bytes] | None = None
    ) -> None:
        deadline = began + self.settings.broker_start_timeout
        access = self.admin_access()
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                self._exited(process)
            if broker_answers(access, timeout=2.0):
                return
            time.sleep(0.2)
        raise BrokerError(
            f"the broker did not answer a metadata request on {self.bootstrap} "
            f"within {self.settings.broker_start_timeout:.0f}s",
            "read the log tail below, or raise ONETHING_BROKER_START_TIMEOUT",
            detail=self.layout.tail(),
        )


    def _exited(self, process: subprocess.Popen[bytes]) -> NoReturn:
        self.layout.pid_file.unlink(missing_ok=True)
        raise BrokerError(
            f"the broker JVM exited with code {process.returncode} while starting",
            f"read the log tail below or `onething broker logs`; state is in {self.layout.home}",
            detail=self.layout.tail(),
        )


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

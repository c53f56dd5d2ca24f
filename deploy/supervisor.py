"""Start the bus's processes, wait until they serve, and stop every one of them afterwards."""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from deploy.broker.probe import free_port
from deploy.readiness import READY_FILE_ENV
from topology.settings import Settings

_STOP_GRACE_S = 20.0
_PR_SET_PDEATHSIG = 1  # prctl(2)


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM it when the process that started it dies (a killed
    bench or test run leaves no bus behind, even though each child leads its own session)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass(frozen=True)
class Component:
    """One process kind of the bus and how to start it; it marks itself ready when serving."""

    name: str
    argv: tuple[str, ...]


Launcher = Callable[[str, tuple[str, ...]], tuple[str, ...]]
"""How a component's CLI arguments become its command line (the bench wraps it in a profiler)."""


def as_module(_name: str, args: tuple[str, ...]) -> tuple[str, ...]:
    return (sys.executable, "-m", "deploy", *args)


def bus_components(
    *, adapters: bool = True, streams_workers: int = 1, launch: Launcher = as_module
) -> list[Component]:
    """The process kinds of the bus and how each starts: one list for the demo, ``up``, the
    bench and the tests. Extra streams workers share the case partitions, each with a web
    port of its own."""
    kinds: list[tuple[str, tuple[str, ...]]] = [("streams", ("streams", "run"))]
    kinds += [(f"streams-{n}", ("streams", "run", "--web-port", str(free_port())))
              for n in range(2, streams_workers + 1)]  # fmt: skip
    kinds.append(("certificates", ("certificates", "run")))
    if adapters:
        kinds.append(("adapters", ("adapter", "run", "--all")))
    return [Component(name, launch(name, args)) for name, args in kinds]


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a child process the same settings as this one."""
    env = dict(os.environ)
    for name, value in settings.model_dump(mode="json").items():
        if value is None:
            env.pop(f"ONETHING_{name.upper()}", None)
            continue
        text = json.dumps(value) if isinstance(value, list | dict) else str(value)
        env[f"ONETHING_{name.upper()}"] = text
    env["ONETHING_LOG_FORMAT"] = "json"
    return env


@dataclass
class Supervisor:
    """Child processes of one bus; logs under ``<state>/logs/<prefix>/<component>.log``."""

    settings: Settings
    components: Sequence[Component]
    env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def log_dir(self) -> Path:
        return (self.settings.state_dir / "logs" / self.settings.topic_prefix).resolve()

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = settings_env(self.settings) | self.env
        for component in self.components:
            self._spawn(component, env)

    def _spawn(self, component: Component, env: dict[str, str]) -> None:
        ready = self.ready_file(component.name)
        ready.unlink(missing_ok=True)
        with (self.log_dir / f"{component.name}.log").open("ab") as log:
            self.processes[component.name] = subprocess.Popen(
                component.argv, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=env | {READY_FILE_ENV: str(ready)},
                start_new_session=True, preexec_fn=_die_with_parent,
            )  # fmt: skip

    def ready_file(self, name: str) -> Path:
        return self.log_dir / f"{name}.ready"

    async def wait_ready(self, within_s: float = 90.0) -> None:
        """Wait until every component says it serves; fail fast, with its log, if one exits."""
        deadline = time.monotonic() + within_s
        waiting = [c.name for c in self.components]
        while waiting:
            self.check_alive()
            waiting = [name for name in waiting if not self.ready_file(name).exists()]
            if waiting and time.monotonic() > deadline:
                raise TimeoutError(f"not serving after {within_s:g}s: {waiting}")
            await asyncio.sleep(0.1)

    def kill(self, name: str) -> None:
        """SIGKILL one component, as a crash would: no graceful shutdown, no final commit."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def send(self, name: str, sig: signal.Signals) -> None:
        """Signal one component's process group (SIGSTOP and SIGCONT: a pause, as a long GC
        or a hung VM would cause)."""
        os.killpg(self.processes[name].pid, sig)

    def exited(self) -> list[str]:
        """The components whose process has exited."""
        return [name for name, process in self.processes.items() if process.poll() is not None]

    def restart(self, name: str) -> None:
        """Start one (killed or stopped) component again with the same settings."""
        component = next(c for c in self.components if c.name == name)
        self.processes.pop(name, None)
        self._spawn(component, settings_env(self.settings) | self.env)

    def dump_stacks(self) -> None:
        """Ask every live component to write its task stacks to its log (SIGUSR1)."""
        for process in self.processes.values():
            if process.poll() is None:
                os.kill(process.pid, signal.SIGUSR1)

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                tail = self.tail(name)
                raise RuntimeError(f"{name} exited with code {process.returncode}:\n{tail}")

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.log_dir / f"{name}.log"
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM every child, wait for a graceful exit, SIGKILL what is left."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + _STOP_GRACE_S
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()

    def __enter__(self) -> Supervisor:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

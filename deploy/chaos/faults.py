"""Carry a fault out on the running bus and undo it: SIGKILL and restart, or SIGSTOP and
SIGCONT, of a component or of one broker node."""

from __future__ import annotations

import asyncio
import signal

from deploy.broker import Broker, BrokerError
from deploy.chaos.schedule import Fault
from deploy.supervisor import Supervisor

_BROKER = "broker-"


class Injector:
    """Faults on one bus: its supervised components and its local cluster."""

    def __init__(self, supervisor: Supervisor, broker: Broker) -> None:
        self.supervisor, self.broker = supervisor, broker
        self.down: set[str] = set()
        """Targets this injector has taken down and not yet brought back."""
        self.failed_restarts: list[str] = []
        """Restarts that failed (the process died while starting) and were tried again."""

    async def apply(self, fault: Fault) -> None:
        sig = signal.SIGKILL if fault.action == "kill" else signal.SIGSTOP
        self.down.add(fault.target)
        if fault.target.startswith(_BROKER):
            self.broker.kill(_node(fault.target), sig)
        elif fault.action == "kill":
            await asyncio.to_thread(self.supervisor.kill, fault.target)
        else:
            self.supervisor.send(fault.target, sig)

    async def restore(self, fault: Fault, within_s: float = 120.0) -> None:
        """Bring the target back: restarted and serving again, or resumed."""
        if fault.target.startswith(_BROKER):
            if fault.action == "kill":
                await self._restart_node(fault.target)
            else:
                self.broker.kill(_node(fault.target), signal.SIGCONT)
        elif fault.action == "kill":
            self.supervisor.restart(fault.target)
            await self.supervisor.wait_ready(within_s)
        else:
            self.supervisor.send(fault.target, signal.SIGCONT)
        self.down.discard(fault.target)

    async def _restart_node(self, target: str, attempts: int = 3) -> None:
        """Start a killed node again; a node that dies while starting (as a JVM may, under
        a storm on two cores) is started again, and the failed start is reported."""
        for attempt in range(attempts):
            try:
                await asyncio.to_thread(self.broker.start, _node(target))
                return
            except BrokerError:
                if attempt == attempts - 1:
                    raise
                self.failed_restarts.append(target)

    async def revive_crashed(self, within_s: float = 120.0) -> list[str]:
        """Restart components that exited without being killed here (a crash the storm
        caused); returns their names."""
        crashed = [name for name in self.supervisor.exited() if name not in self.down]
        for name in crashed:
            self.supervisor.restart(name)
        if crashed:
            await self.supervisor.wait_ready(within_s)
        return crashed


def _node(target: str) -> int:
    return int(target.removeprefix(_BROKER))

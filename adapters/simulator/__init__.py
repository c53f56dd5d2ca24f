"""Reference simulators of the department systems: seeded, realistic, in process or HTTP."""

from __future__ import annotations

from adapters.simulator.engine import ReferenceSimulator, SimulatedTimeoutError
from adapters.simulator.rules import FORGED_SCHEME, UNREADABLE_SHA256, decide
from adapters.simulator.settings import SimulatorSettings

__all__ = [
    "FORGED_SCHEME",
    "UNREADABLE_SHA256",
    "ReferenceSimulator",
    "SimulatedTimeoutError",
    "SimulatorSettings",
    "decide",
]

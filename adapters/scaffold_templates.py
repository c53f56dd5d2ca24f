"""The files `onething adapter new` writes (``str.format`` templates)."""

from __future__ import annotations

PYPROJECT = """[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "onething-adapter-{department}"
version = "0.1.0"
description = "The {department} department adapter for the onething bus"
requires-python = ">=3.11"
dependencies = ["onething"]

[project.entry-points."onething.adapters"]
{department} = "{package}.handlers:router"

[tool.setuptools.packages.find]
include = ["{package}*"]

[tool.pytest.ini_options]
asyncio_mode = "auto"
pythonpath = ["."]
testpaths = ["tests"]
"""

BACKEND = '''"""The {department} department system, as the handlers see it."""

from __future__ import annotations

from typing import Protocol

from adapters import ActClient, ActReply, ItemTask


class {camel}Backend(Protocol):
    """What the handlers need from the department system: grow one method per act."""

    async def perform(self, task: ItemTask) -> ActReply: ...


class {camel}Client(ActClient):
    """{camel}Backend over the HTTP system or the simulator (ActClient.perform)."""
'''

SIMULATOR = '''"""A stub of the {department} system. Start from the reference simulator's
rules and grow it until it behaves like the real system (latency, rates, number formats)."""

from __future__ import annotations

from adapters import ActReply, ActRequest
from adapters.sdk.backend import BackendRefusedError
from adapters.simulator import ReferenceSimulator


class {camel}Simulator(ReferenceSimulator):
    """Approves acts the catalogue does not list yet; the reference rules for the others."""

    async def submit(self, request: ActRequest, *, idempotency_key: str) -> ActReply:
        try:
            return await super().submit(request, idempotency_key=idempotency_key)
        except BackendRefusedError:
            return ActReply(decision="approved", reference=f"SIM-{{idempotency_key[:8]}}")
'''

HANDLERS = '''"""The {department} adapter: a handler per catalogue item of the department."""

from __future__ import annotations

from adapters import DepartmentRouter, ItemOutcome, ItemTask, outcome_of

from .backend import {camel}Backend, {camel}Client
from .simulator import {camel}Simulator

router = DepartmentRouter[{camel}Backend](
    "{department}", backend={camel}Client, simulator={camel}Simulator
)
{handlers}'''

HANDLER = '''

@router.handles("{code}")
async def handle_{code}(task: ItemTask, backend: {camel}Backend) -> ItemOutcome:
    """{name}"""
    return outcome_of(await backend.perform(task))
'''

TEST = '''"""The shared adapter contract suite, run against this adapter."""

from __future__ import annotations

from adapters.testing.contract import AdapterContract

from {package}.handlers import router


class Test{camel}Adapter(AdapterContract):
    router = router
'''

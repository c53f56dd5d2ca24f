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

from adapters import ActClient


class {camel}Backend(Protocol):
    """What the handlers need from the department system: one method per act that has a
    rule of its own (a check of what the system returns, an amount to compute)."""


class {camel}Client(ActClient):
    """{camel}Backend over the HTTP system or the simulator: each method builds its request
    with ``self.perform(task, extra_fields)``."""
'''

SIMULATOR = '''"""A stub of the {department} system. Start from the reference simulator's
rules and grow it until it behaves like the real system (latency, rates, number formats)."""

from __future__ import annotations

from adapters import ActReply, ActRequest, BackendRefusedError
from adapters.simulator import ReferenceSimulator


class {camel}Simulator(ReferenceSimulator):
    """Approves acts the catalogue does not list yet; the reference rules for the others."""

    async def submit(self, request: ActRequest, *, idempotency_key: str) -> ActReply:
        try:
            return await super().submit(request, idempotency_key=idempotency_key)
        except BackendRefusedError:
            return ActReply(decision="approved", reference=f"SIM-{{idempotency_key[:8]}}")
'''

HANDLERS = '''"""The {department} adapter: how each catalogue item of the department is performed.

An item sent to the system as it is, with request fields taken from its prerequisites'
outputs if need be, is forwarded: ``router.forwards(item, extra={field: (item, output)})``.
An item with a rule of its own gets a handler, and its backend a method:

    @router.handles(item)
    async def handle(task: ItemTask, backend: {camel}Backend) -> ItemOutcome:
        return outcome_of(await backend.act(task))
"""

from __future__ import annotations

from adapters import DepartmentRouter

from .backend import {camel}Backend, {camel}Client
from .simulator import {camel}Simulator

router = DepartmentRouter[{camel}Backend](
    "{department}", backend={camel}Client, simulator={camel}Simulator
)
{handlers}'''

HANDLER = """router.forwards("{code}")  # {name}
"""

TEST = '''"""The shared adapter contract suite, run against this adapter."""

from __future__ import annotations

from adapters.testing.contract import AdapterContract

from {package}.handlers import router


class Test{camel}Adapter(AdapterContract):
    router = router
'''

"""Testing an adapter: the in-memory harness, sample tasks and the contract suite."""

from __future__ import annotations

from adapters.testing.harness import CountingSystem, InMemoryAdapter
from adapters.testing.samples import material_ref, sample_task
from topology.samples import field_value

__all__ = ["CountingSystem", "InMemoryAdapter", "field_value", "material_ref", "sample_task"]

"""The decoded, validated item task a handler receives, with its catalogue item at hand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from topology.catalog import Item
from topology.events import ItemTaskDispatched, MaterialRef


@dataclass(frozen=True, slots=True)
class ItemTask:
    """One attempt at one item (单项事) of one case, as its department sees it."""

    event: ItemTaskDispatched
    item: Item

    @property
    def case_id(self) -> str:
        return self.event.case_id

    @property
    def bundle_code(self) -> str:
        return self.event.bundle_code

    @property
    def item_code(self) -> str:
        return self.event.item_code

    @property
    def attempt(self) -> int:
        return self.event.attempt

    @property
    def fields(self) -> Mapping[str, str]:
        return self.event.fields

    @property
    def materials(self) -> tuple[MaterialRef, ...]:
        return self.event.materials

    @property
    def idempotency_key(self) -> str:
        """What the backend dedupes on: the task event id (one per case, item and attempt)."""
        return self.event.event_id

    def field(self, code: str, default: str = "") -> str:
        return self.event.fields.get(code, default)

    def material(self, code: str) -> MaterialRef | None:
        return next((m for m in self.event.materials if m.material_code == code), None)

    def prerequisite(self, item_code: str | tuple[str, ...], output_code: str) -> str | None:
        """An output of a prerequisite item (前置事项), e.g. the birth certificate number; of
        several items (the ones a death certificate can come from), the first the case ran."""
        items = (item_code,) if isinstance(item_code, str) else item_code
        found = (self.event.prerequisite_outputs.get(f"{i}.{output_code}") for i in items)
        return next((value for value in found if value is not None), None)

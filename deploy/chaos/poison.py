"""Poison input: records no component may choke on, for every topic the bus consumes. Each
kind is one way a record goes wrong on the wire; every one of them must end on that topic's
dead-letter companion with its reason, and nothing may crash."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from topology.catalog import load_catalog
from topology.codec import default_codec
from topology.codec.schemas import MAGIC
from topology.events import (
    CertificateRevoked,
    Event,
    ItemStatus,
    ItemStatusReported,
    derive_event_id,
)
from topology.samples import sample_application
from topology.topics import Topics

KINDS = ("random_bytes", "truncated", "corrupted", "unknown_fingerprint", "wrong_type",
         "unknown_case", "oversized")  # fmt: skip
OVERSIZED_PER_TOPIC = 20
"""Records of ~300 KB per topic (the broker takes up to 1 MB); the rest stay small."""


@dataclass(frozen=True)
class Poison:
    topic: str
    kind: str
    key: bytes
    value: bytes


def poisoned_topics(
    topics: Topics, departments: list[str], served: set[str]
) -> dict[str, str]:
    """Topic -> the process kind that consumes it: what the storm poisons. Streams reads
    every department's results; adapters run for the ``served`` departments only."""
    consumed = {topics.applications: "streams", topics.applicant: "streams",
                topics.completions: "certificates"}  # fmt: skip
    for department in departments:
        consumed[topics.department(department).results] = "streams"
        if department in served:
            consumed[topics.department(department).tasks] = "adapters"
    return consumed


class PoisonMaker:
    """Seeded bad records; ``valid`` is a well-formed event to truncate and corrupt."""

    def __init__(self, topics: Topics, seed: int) -> None:
        self.topics, self.rng = topics, random.Random(seed)  # noqa: S311 - test input
        self.codec = default_codec()
        catalog = load_catalog()
        app = sample_application(catalog, catalog.bundle("newborn_birth"), "poison-template",
                                 random.Random(seed))  # noqa: S311  # fmt: skip
        self.valid = self.codec.encode(app)
        self.app = app

    def records(self, topic: str, count: int) -> Iterator[Poison]:
        for n in range(count):
            kind = KINDS[n % len(KINDS)]
            if kind == "oversized" and n // len(KINDS) >= OVERSIZED_PER_TOPIC:
                kind = "random_bytes"
            case = f"poison-{self.rng.getrandbits(48):012x}"
            yield Poison(topic, kind, case.encode(), self._value(topic, kind, case))

    def _value(self, topic: str, kind: str, case: str) -> bytes:
        rng, valid = self.rng, self.valid
        if kind == "random_bytes":
            return rng.randbytes(rng.randint(0, 256))
        if kind == "truncated":
            return valid[: rng.randint(0, len(valid) - 1)]
        if kind == "corrupted":
            broken = bytearray(valid)
            for _ in range(rng.randint(1, 8)):
                at = rng.randrange(10, len(broken))
                broken[at] ^= 1 << rng.randrange(8)
            # A flip can land in a string's bytes and still decode: make one that cannot.
            return bytes(broken[: len(broken) // 2]) + b"\xff" * 9
        if kind == "unknown_fingerprint":
            return MAGIC + rng.randbytes(8) + valid[10:]
        if kind == "oversized":
            return MAGIC + rng.randbytes(8) + rng.randbytes(300_000)
        if kind == "wrong_type":
            return self.codec.encode(self._wrong_type(topic, case))
        return self.codec.encode(self._for_unknown_case(topic, case))

    def _wrong_type(self, topic: str, case: str) -> Event:
        """A valid event, of a type this topic never carries."""
        now = datetime.now(UTC)
        if topic == self.topics.applications:
            return CertificateRevoked(event_id=derive_event_id(case, "poison"), case_id=case,
                                      occurred_at=now, certificate_number="X", reason="poison")
        return self.app.model_copy(update={"case_id": case,
                                           "event_id": derive_event_id(case, "poison")})

    def _for_unknown_case(self, topic: str, case: str) -> Event:
        """A valid event of the topic's own type for a case that does not exist; where that is
        not poison (an application opens a case, a task is for its department to do), a
        wrong-type record instead."""
        department = self.topics.department_of(topic)
        if department is None or topic != self.topics.department(department).results:
            return self._wrong_type(topic, case)
        now = datetime.now(UTC)
        return ItemStatusReported(event_id=derive_event_id(case, "poison"), case_id=case,
                                  occurred_at=now, item_code="unknown_item",
                                  department=department, attempt=1,
                                  status=ItemStatus.APPROVED, handled_at=now)  # fmt: skip

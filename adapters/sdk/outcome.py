"""What a handler returns: approved with outputs, rejected, 补正 needed, or still in progress."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from topology.events import ItemStatus, SupplementNeed, SupplementProblem


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """The department's decision on one task attempt. Build it with the class methods."""

    status: ItemStatus
    outputs: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    reason: str | None = None
    supplements: tuple[SupplementNeed, ...] = ()
    poll_after_s: float | None = None
    """For IN_PROGRESS: ask the backend again after this many seconds (long-running acts)."""

    @classmethod
    def approved(cls, outputs: Mapping[str, str] | None = None) -> ItemOutcome:
        """Done: ``outputs`` keyed by the catalogue item's output codes, one value each."""
        return cls(ItemStatus.APPROVED, MappingProxyType(dict(outputs or {})))

    @classmethod
    def rejected(cls, reason: str) -> ItemOutcome:
        if not reason:
            raise ValueError("a rejection needs a reason the applicant can read")
        return cls(ItemStatus.REJECTED, reason=reason)

    @classmethod
    def supplement(cls, needs: Iterable[SupplementNeed], reason: str | None = None) -> ItemOutcome:
        """补正: every material or field to supply or correct, all at once (一次告知)."""
        needs = tuple(needs)
        if not needs:
            raise ValueError("a supplement request must name what is needed")
        text = reason or "请补正：" + "；".join(f"{n.code}（{n.problem.value}）" for n in needs)
        return cls(ItemStatus.SUPPLEMENT_REQUIRED, reason=text, supplements=needs)

    @classmethod
    def missing(cls, *codes: str, message: str = "请补充提交") -> ItemOutcome:
        """Shorthand for 补正 of materials that were not supplied at all."""
        return cls.supplement(
            SupplementNeed(code=c, problem=SupplementProblem.MISSING, message=message)
            for c in codes
        )

    @classmethod
    def in_progress(
        cls, reason: str | None = None, *, poll_after_s: float | None = None
    ) -> ItemOutcome:
        """Accepted, still being handled; with ``poll_after_s`` the SDK asks again later."""
        return cls(ItemStatus.IN_PROGRESS, reason=reason, poll_after_s=poll_after_s)

    @property
    def final(self) -> bool:
        return self.status not in (ItemStatus.RECEIVED, ItemStatus.IN_PROGRESS)

"""Which cases re-announced since this worker was last (re)assigned its partitions.

Output is lost only when a worker dies between writing a state and flushing what it
caused, and then its partitions move: the first duplicate input of a case after an
assignment re-announces the case's facts, to heal that loss. Later duplicates (the answers
that re-sent tasks bring back) re-announce nothing: in a healthy worker every output was
acknowledged before its input's offset was committed."""

from __future__ import annotations

from typing import Any

import faust


class Reannouncements:
    """Case ids re-announced since the last rebalance, bounded (a forgotten one may
    re-announce once more: harmless, the copies have the same ids)."""

    def __init__(self, app: faust.App, limit: int = 200_000) -> None:
        self.limit = limit
        self.done: dict[str, None] = {}
        app.on_partitions_revoked.connect(self._forget)
        app.on_rebalance_complete.connect(self._forget)

    def first(self, case_id: str) -> bool:
        """True the first time since the last rebalance (and records it)."""
        if case_id in self.done:
            return False
        self.done[case_id] = None
        if len(self.done) > self.limit:
            del self.done[next(iter(self.done))]
        return True

    async def _forget(self, *_: Any, **__: Any) -> None:
        self.done.clear()

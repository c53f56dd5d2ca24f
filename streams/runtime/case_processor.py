"""The case agent: one Faust table keyed by case id, fed by applications, applicant answers,
every department's results and the case's own timer ticks (all co-partitioned by case id)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import faust

from streams.case import machine
from streams.case.deadlines import next_wakeup
from streams.case.policy import Clock, Policy, Step, wall_clock
from streams.case.state import CaseState
from streams.runtime.batched_table import BatchedTable
from streams.runtime.event_agent import EventAgent
from streams.runtime.outbox import Outbox
from streams.runtime.reannouncements import Reannouncements
from topology.codec import Codec
from topology.events import CaseTimerFired, Event, derive_event_id
from topology.topics import Topics


class CaseProcessor(EventAgent):
    """Wires the pure case machine to Kafka: decode, transition, store, publish, dead-letter.
    Time comes from ``clock`` (tests move it instead of waiting)."""

    def __init__(
        self, app: faust.App, topics: Topics, departments: Iterable[str], codec: Codec,
        policy: Policy, *, tick_interval_s: float = 0.5, clock: Clock = wall_clock,
    ) -> None:  # fmt: skip
        self.app, self.topics, self.codec, self.policy = app, topics, codec, policy
        self.clock = clock
        self.outbox = Outbox(app, topics, codec, source=f"/{topics.prefix}/streams/cases")
        self.states = BatchedTable(app, "cases", CaseState, exclude_defaults=True,
                                   help="Case state by case id (JSON of CaseState).",
                                   cache_if=lambda state: not state.phase.terminal)  # fmt: skip
        self.table = self.states.table
        self.batched = (self.states,)
        self.wakeups: dict[str, datetime] = {}
        self.reannounced = Reannouncements(app)
        self._index_stale = True
        app.on_partitions_revoked.connect(self._mark_index_stale)
        app.on_rebalance_complete.connect(self._mark_index_stale)
        names = [topics.applications, topics.applicant, topics.timers, topics.admin]
        names += [topics.department(d).results for d in sorted(set(departments))]
        self.attach(app, "cases", *names)
        app.timer(tick_interval_s, name="case-timers")(self._fire_due_timers)

    def load(self, case_id: str) -> CaseState | None:
        return self.states.get(case_id)

    def flush(self) -> None:
        """Each case changed in the batch: one table write, one look at its next wake-up."""
        step = Step(self.clock(), self.policy)
        for case_id, state in self.states.flush().items():
            self.schedule(case_id, state, step)

    def schedule(self, case_id: str, state: CaseState, step: Step) -> None:
        wake = next_wakeup(state, step)
        if wake is None:
            self.wakeups.pop(case_id, None)
        else:
            self.wakeups[case_id] = wake

    def transition(self, event: Event) -> list[Event]:
        """Apply one decoded event to its case, buffered until :meth:`flush`; returns what to
        publish. An input that changes nothing (a timer tick with nothing due, a duplicate)
        writes nothing."""
        step = Step(self.clock(), self.policy, may_reannounce=self.reannounced.first)
        done = machine.transition(self.load(event.case_id), event, step)
        if done.changed and done.state is not None:
            self.states.put(done.state.case_id, done.state)
        elif done.state is not None:
            self.schedule(done.state.case_id, done.state, step)  # a tick took it off the index
        return step.outbox

    async def _fire_due_timers(self) -> None:
        now = self.clock()
        if self._index_stale:
            self.rebuild_wakeups(now)
        due = [case_id for case_id, at in self.wakeups.items() if at <= now]
        for case_id in due:
            self.wakeups.pop(case_id, None)  # the agent may have moved it meanwhile
            fired = CaseTimerFired(
                event_id=derive_event_id(case_id, f"tick:{now.isoformat()}"),
                case_id=case_id, occurred_at=now,
            )  # fmt: skip
            await self.outbox.send(self.topics.timers, fired)

    async def _mark_index_stale(self, *_: Any, **__: Any) -> None:
        self._index_stale = True

    def rebuild_wakeups(self, now: datetime) -> None:
        """After a restart or rebalance the index is rebuilt from the local table."""
        self._index_stale = False
        self.wakeups.clear()
        for key, raw in list(self.table.items()):
            if raw is None:
                continue
            wake = next_wakeup(CaseState.model_validate_json(raw), Step(now, self.policy))
            if wake is not None:
                self.wakeups[key.decode()] = wake

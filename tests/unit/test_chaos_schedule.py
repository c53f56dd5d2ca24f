"""The fault storm's schedule: reproducible from its seed, every kind of fault in it."""

from __future__ import annotations

from collections import Counter

from deploy.chaos.schedule import KINDS, Targets, fault_schedule

TARGETS = Targets(streams=("streams", "streams-2"), brokers=(1, 2, 3))


def test_the_same_seed_gives_the_same_storm_and_another_seed_another() -> None:
    assert fault_schedule(7, 20, TARGETS) == fault_schedule(7, 20, TARGETS)
    assert fault_schedule(7, 20, TARGETS) != fault_schedule(8, 20, TARGETS)


def test_every_kind_is_in_every_storm_of_at_least_five_faults() -> None:
    for seed in range(20):
        kinds = Counter(fault.kind for fault in fault_schedule(seed, 10, TARGETS))
        assert set(kinds) == set(KINDS)
        assert min(kinds.values()) == 2


def test_targets_belong_to_their_kind() -> None:
    faults = fault_schedule(3, 50, TARGETS)
    for fault in faults:
        if fault.kind == "broker":
            assert fault.target in {"broker-1", "broker-2", "broker-3"}
        elif fault.kind == "streams":
            assert fault.target in TARGETS.streams
        elif fault.kind != "pause":
            assert fault.target == fault.kind
        assert (fault.action == "pause") == (fault.kind == "pause")
        assert fault.down_s > 0
    paused = {fault.target for fault in faults if fault.action == "pause"}
    assert any(target.startswith("broker-") for target in paused)
    assert paused & {"certificates", "adapters"}

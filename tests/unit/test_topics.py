"""Topic names and declarations: prefixes, companions, co-partitioning."""

import pytest

from topology.topics import EVENT_TOPICS, Topics, dlq_of

pytestmark = pytest.mark.unit


def test_department_topics_share_the_acl_prefix():
    topics = Topics("onething")
    dept = topics.department("public_security")
    prefix = topics.department_prefix("public_security")
    assert prefix == "onething.dept.public_security."
    names = [dept.tasks, dept.results, dept.dlq, *dept.retries]
    assert all(name.startswith(prefix) for name in names)
    assert dept.tasks == "onething.dept.public_security.tasks.v1"
    assert dept.dlq == "onething.dept.public_security.tasks.v1.dlq"
    assert len(dept.retries) == 3


def test_every_consumed_topic_has_a_dead_letter_companion():
    topics = Topics("t")
    names = {spec.name for spec in topics.all(["tax", "health"])}
    for consumed in (
        topics.applications,
        topics.applicant,
        topics.completions,
        topics.department("tax").tasks,
        topics.department("tax").results,
    ):
        assert dlq_of(consumed) in names


def test_case_keyed_topics_are_co_partitioned():
    topics = Topics("t")
    specs = {spec.name: spec for spec in topics.all(["tax"], partitions=6)}
    joined = [
        topics.applications,
        topics.applicant,
        topics.timers,
        topics.completions,
        topics.case_events,
        topics.department("tax").tasks,
        topics.department("tax").results,
    ]
    assert {specs[name].partitions for name in joined} == {6}
    small = [
        topics.department("tax").ledger,
        *topics.department("tax").retries,
        topics.department("tax").dlq,
    ]
    assert {specs[name].partitions for name in small} == {1}


def test_event_types_route_to_their_topics():
    topics = Topics("p")
    assert topics.for_event("io.onething.events.ApplicationSubmitted") == topics.applications
    assert topics.for_event("ItemStatusReported", "tax") == topics.department("tax").results
    assert set(EVENT_TOPICS.values()) <= {
        "applications",
        "applicant",
        "case_events",
        "completions",
        "certificates",
        "evaluations",
        "timers",
        "admin",
    }
    with pytest.raises(ValueError, match="department event"):
        topics.for_event("ItemTaskDispatched")
    with pytest.raises(ValueError, match="EVENT_TOPICS"):
        topics.for_event("NoSuchEvent")


def test_names_are_unique_and_prefixed():
    specs = Topics("x").all(["tax", "tax", "health"])
    names = [spec.name for spec in specs]
    assert len(names) == len(set(names))
    assert all(name.startswith(("x.", "x-")) for name in names)

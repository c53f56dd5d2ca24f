"""The ACLs rendered from topology: each principal gets what its code uses and nothing more."""

import pytest

from adapters.host import consumer_group
from topology.acls import (
    AclBinding,
    Operation,
    PatternType,
    ResourceType,
    acls_of,
    bus_acls,
    bus_prefixes,
    department_group,
)
from topology.acls_text import from_rows, kafka_acls_text, to_rows
from topology.principals import bus_principals
from topology.topics import Topics, dlq_of

pytestmark = pytest.mark.unit

TOPICS = Topics("onething")
DEPARTMENTS = ["tax", "public_security", "health"]
ACLS = bus_acls(TOPICS, DEPARTMENTS)


def of(name: str) -> list[AclBinding]:
    return [b for b in ACLS if b.principal == f"User:{name}"]


def allowed(name: str, operation: Operation, resource: str, kind=ResourceType.TOPIC) -> bool:
    """Whether a binding of ``name`` matches, as the authorizer matches literal and prefixed."""
    return any(
        b.resource_type == kind and b.operation == operation
        and (b.resource_name == resource if b.pattern_type == PatternType.LITERAL
             else resource.startswith(b.resource_name))
        for b in of(name)
    )  # fmt: skip


def lifecycle() -> list[str]:
    t = TOPICS
    return [t.applications, t.applicant, t.case_events, t.completions, t.certificates,
            t.evaluations, t.timers]  # fmt: skip


def test_tax_reads_its_tasks_and_retries_and_nothing_of_another_department():
    tax, police = TOPICS.department("tax"), TOPICS.department("public_security")
    for name in (tax.tasks, *tax.retries, tax.ledger, tax.results):
        assert allowed("tax", Operation.READ, name)
    for name in (police.tasks, police.results, police.ledger, *police.retries, police.dlq):
        assert not allowed("tax", Operation.READ, name)
        assert not allowed("tax", Operation.WRITE, name)
        assert not allowed("tax", Operation.DESCRIBE, name)


def test_tax_writes_results_retries_dead_letters_and_ledger_but_not_its_tasks():
    tax = TOPICS.department("tax")
    for name in (tax.results, *tax.retries, tax.dlq, tax.ledger):
        assert allowed("tax", Operation.WRITE, name)
    assert not allowed("tax", Operation.WRITE, tax.tasks)
    assert not allowed("tax", Operation.READ, tax.dlq)


def test_a_department_touches_no_lifecycle_topic():
    for name in lifecycle() + [dlq_of(n) for n in lifecycle()]:
        for operation in Operation:
            assert not allowed("tax", operation, name)


def test_a_department_uses_only_its_own_groups():
    assert allowed("tax", Operation.READ, consumer_group("onething", "tax"), ResourceType.GROUP)
    assert department_group(TOPICS, "tax") == consumer_group("onething", "tax")
    assert allowed("tax", Operation.READ, "onething.dept.tax.console", ResourceType.GROUP)
    for group in (consumer_group("onething", "public_security"), TOPICS.app_id("streams"),
                  "onething.adapters"):  # fmt: skip
        assert not allowed("tax", Operation.READ, group, ResourceType.GROUP)


def test_portal_writes_applications_and_answers_and_reads_nothing():
    assert allowed("portal", Operation.WRITE, TOPICS.applications)
    assert allowed("portal", Operation.WRITE, TOPICS.applicant)
    assert all(b.operation == Operation.WRITE for b in of("portal"))
    assert not allowed("portal", Operation.READ, TOPICS.department("tax").tasks)


def test_ops_describes_every_topic_and_group_and_reads_none():
    for spec in TOPICS.all(DEPARTMENTS):
        assert allowed("ops", Operation.DESCRIBE, spec.name)
    assert allowed("ops", Operation.DESCRIBE, TOPICS.app_id("streams"), ResourceType.GROUP)
    assert allowed(
        "ops", Operation.DESCRIBE, consumer_group("onething", "tax"), ResourceType.GROUP
    )
    assert not any(b.operation == Operation.READ for b in of("ops"))
    writes = {b.resource_name for b in of("ops") if b.operation == Operation.WRITE}
    assert writes == {TOPICS.admin}, "operators' requests only (case erasure)"


def test_only_streams_writes_tasks_case_events_and_completions():
    for name in [
        TOPICS.case_events,
        TOPICS.completions,
        *(TOPICS.department(d).tasks for d in DEPARTMENTS),
    ]:
        writers = {
            b.principal for b in ACLS if b.resource_name == name and b.operation == Operation.WRITE
        }
        assert writers == {"User:streams"}, name


def test_streams_reads_what_applicants_and_departments_say():
    for name in [TOPICS.applications, TOPICS.applicant, TOPICS.timers, TOPICS.evaluations,
                 *(TOPICS.department(d).results for d in DEPARTMENTS)]:  # fmt: skip
        assert allowed("streams", Operation.READ, name)
        assert allowed("streams", Operation.WRITE, dlq_of(name))
    assert not allowed("streams", Operation.READ, TOPICS.department("tax").tasks)
    assert allowed("streams", Operation.READ, TOPICS.app_id("streams"), ResourceType.GROUP)


def test_certificates_reads_completions_and_case_events_and_writes_certificates():
    assert allowed("certificates", Operation.READ, TOPICS.completions)
    assert allowed("certificates", Operation.READ, TOPICS.case_events)
    assert allowed("certificates", Operation.WRITE, TOPICS.certificates)
    assert allowed(
        "certificates", Operation.WRITE, TOPICS.changelog("certificates", "certificates")
    )
    assert not allowed("certificates", Operation.WRITE, TOPICS.completions)
    assert allowed("certificates", Operation.READ, TOPICS.certificates)  # certificates verify
    assert not allowed("certificates", Operation.READ, TOPICS.applications)


def test_every_declared_topic_has_a_writer_and_a_faust_topic_its_app():
    for spec in TOPICS.all(DEPARTMENTS):
        writers = {b.principal for b in ACLS
                   if b.resource_name == spec.name and b.operation == Operation.WRITE}  # fmt: skip
        assert writers, f"{spec.name} has no writer"
    for kind in ("streams", "certificates"):
        for table in ("cases",) if kind == "streams" else ("certificates",):
            name = TOPICS.changelog(kind, table)
            assert allowed(kind, Operation.READ, name)
            assert allowed(kind, Operation.WRITE, name)


def test_every_literal_topic_acl_names_a_declared_topic():
    declared = {spec.name for spec in TOPICS.all(DEPARTMENTS)}
    topic, literal_ = ResourceType.TOPIC, PatternType.LITERAL
    literal = {b.resource_name for b in ACLS
               if b.resource_type == topic and b.pattern_type == literal_}  # fmt: skip
    assert literal <= declared


def test_prefixes_fence_the_bus_and_each_department():
    assert bus_prefixes(TOPICS) == ("onething.", "onething-")
    prefixed = {b.resource_name for b in ACLS if b.pattern_type == PatternType.PREFIXED}
    assert prefixed == {*bus_prefixes(TOPICS), *(TOPICS.department_prefix(d) for d in DEPARTMENTS)}
    assert all(b.principal == "User:ops" for b in ACLS if b.resource_name in bus_prefixes(TOPICS))


def test_no_cluster_acl_and_admin_needs_none():
    assert not [
        b for b in ACLS if b.resource_type in (ResourceType.CLUSTER, ResourceType.TRANSACTIONAL_ID)
    ]
    admin = next(p for p in bus_principals(DEPARTMENTS) if p.name == "admin")
    assert acls_of(admin, TOPICS, DEPARTMENTS) == []


def test_rendering_is_sorted_deterministic_and_round_trips():
    assert bus_acls(TOPICS, reversed(DEPARTMENTS)) == ACLS == sorted(ACLS)
    assert len(set(ACLS)) == len(ACLS)
    assert from_rows(to_rows(ACLS)) == ACLS
    text = kafka_acls_text(of("tax"))
    assert text.startswith("# User:tax\n")
    assert ("ResourcePattern(resourceType=TOPIC, name=onething.dept.tax.tasks.v1, "
            "patternType=LITERAL)") in text  # fmt: skip
    assert "(principal=User:tax, host=*, operation=READ, permissionType=ALLOW)" in text


def test_another_prefix_renders_other_names():
    other = bus_acls(Topics("t1"), ["tax"])
    assert all(b.resource_name.startswith(("t1.", "t1-")) for b in other)

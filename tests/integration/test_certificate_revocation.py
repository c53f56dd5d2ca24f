"""`onething certificates verify` tells a revoked certificate from a valid one, from the
bus's certificates topic on the real broker."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from aiokafka.admin import NewTopic

from deploy.acls_admin import plan_and_apply_acls
from deploy.applicant import bus_producer
from streams.issuance.issuer import issue, revoke
from streams.issuance.ledger import CaseCertificates
from streams.issuance.signing import IssuerKey
from topology.acls import bus_acls
from topology.codec import cloudevent_headers, default_codec
from topology.events import BundleCompleted, ItemResult, derive_event_id
from topology.topics import Topics

pytestmark = pytest.mark.integration
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def verify_cli(path, env) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "deploy", "certificates", "verify", str(path)],
                          capture_output=True, text=True, env=env, timeout=120,
                          check=False)  # fmt: skip


async def test_verify_reports_revoked_and_valid(
    kafka_bootstrap, kafka_admin, kafka_admin_access, client_properties, unique, tmp_path
):
    topics = Topics(f"it-rev-{unique}")
    await kafka_admin.create_topics(
        [NewTopic(topics.certificates, num_partitions=2, replication_factor=1)]
    )
    if kafka_admin_access.secured:  # verify reads as the certificates principal
        await plan_and_apply_acls(kafka_admin_access, topics, bus_acls(topics, []))
    key = IssuerKey.load_or_create(tmp_path / "keys")
    done = BundleCompleted(
        event_id=derive_event_id("case-rev", "completed"), case_id="case-rev", occurred_at=NOW,
        bundle_code="newborn_birth", certificate_types=("出生医学证明", "社会保障卡"),
        results=(ItemResult(item_code="birth_medical_certificate", department="health",
                            outputs={"birth_medical_certificate": "O440100009"}),),
    )  # fmt: skip
    ledger = CaseCertificates()
    by_type = {c.certificate_type: c for c in issue(done, ledger, key)}
    birth, card = by_type["出生医学证明"], by_type["社会保障卡"]
    revoked = revoke("case-rev", ledger, "承诺材料逾期未补", NOW, ["birth_medical_certificate"])
    codec, producer = default_codec(), bus_producer(kafka_admin_access, linger_ms=0)
    await producer.start()
    try:
        for event in (birth, card, *revoked):
            await producer.send(topics.certificates, codec.encode(event), key=b"case-rev",
                                headers=cloudevent_headers(event, source="/it"))  # fmt: skip
        await producer.flush()
    finally:
        await producer.stop()
    assert [r.certificate_number for r in revoked] == [birth.certificate_number]
    env = {"PATH": "/usr/bin:/bin", "ONETHING_STATE_DIR": str(tmp_path),
           "ONETHING_KAFKA_BOOTSTRAP": kafka_bootstrap, "ONETHING_TOPIC_PREFIX": topics.prefix,
           "ONETHING_LOG_FORMAT": "json", "COLUMNS": "200",
           "ONETHING_KAFKA_CLIENT_PROPERTIES": client_properties}  # fmt: skip
    for event, name in ((birth, "birth.bin"), (card, "card.bin")):
        (tmp_path / name).write_bytes(codec.encode(event))
    refused = verify_cli(tmp_path / "birth.bin", env)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "REVOKED" in refused.stdout
    assert "承诺材料逾期未补" in refused.stdout
    valid = verify_cli(tmp_path / "card.bin", env)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert "not revoked" in valid.stdout
    offline = verify_cli(tmp_path / "birth.bin", {**env, "ONETHING_KAFKA_BOOTSTRAP": "127.0.0.1:1"})
    assert offline.returncode == 2, offline.stdout + offline.stderr
    assert "revocation unknown" in offline.stdout

"""Register every principal's SCRAM-SHA-512 credential on the broker.

The launcher does it over the broker's mutual-TLS listener with the broker's own certificate
(mapped to ``admin``), so no password is ever on a command line and the first ``admin``
credential needs no bootstrap of its own. confluent-kafka's admin client speaks
AlterUserScramCredentials, which aiokafka's lacks.
"""

from __future__ import annotations

import time

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.admin._scram import (
    ScramCredentialInfo,
    ScramMechanism,
    UserScramCredentialAlteration,
    UserScramCredentialUpsertion,
)

from deploy.broker.errors import BrokerError
from deploy.security.credentials import CredentialStore
from deploy.security.files import SecurityLayout

ITERATIONS = 8192


def internal_admin(layout: SecurityLayout, bootstrap: str) -> AdminClient:
    """An admin client on the mutual-TLS listener, as the broker itself (``admin``)."""
    return AdminClient({
        "bootstrap.servers": bootstrap,
        "security.protocol": "SSL",
        "ssl.ca.location": str(layout.ca_cert),
        "ssl.certificate.location": str(layout.broker_cert),
        "ssl.key.location": str(layout.broker_key),
        "log_level": 2,
    })  # fmt: skip


def register_scram(
    layout: SecurityLayout, store: CredentialStore, bootstrap: str, within_s: float
) -> int:
    """Upsert each principal's current password; retried until the broker takes them all
    (a starting broker refuses until its metadata is loaded). Returns how many."""
    upserts: list[UserScramCredentialAlteration] = [
        UserScramCredentialUpsertion(
            name, ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS),
            entry.current.password.reveal().encode(),
        )
        for name, entry in store
    ]  # fmt: skip
    deadline = time.monotonic() + within_s
    admin = internal_admin(layout, bootstrap)
    last = "no answer"
    while time.monotonic() < deadline:
        futures = admin.alter_user_scram_credentials(upserts, request_timeout=5.0)
        try:
            for future in futures.values():
                future.result(timeout=max(0.5, deadline - time.monotonic()))
            return len(upserts)
        except (KafkaException, TimeoutError) as error:
            last = str(error.args[0] if error.args else error)
            time.sleep(0.5)
    raise BrokerError(
        f"the broker did not take the principals' SCRAM credentials within {within_s:.0f}s",
        "read `onething broker logs`; the mutual-TLS listener is on ONETHING_BROKER_PORT + 2",
        detail=last,
    )

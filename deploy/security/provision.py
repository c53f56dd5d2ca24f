"""What the launcher prepares before a secured broker starts: the project CA and broker
certificate, a credential for every principal of the bus, and each principal's client
properties file (0600) where the bus's own processes find it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from deploy.security.ca import ensure_certificates
from deploy.security.client_config import ClientConfig, render
from deploy.security.credentials import CredentialStore
from deploy.security.files import SecurityLayout, write_private
from topology.kafka_access import client_properties_path
from topology.principals import Principal


@dataclass(frozen=True)
class Provisioned:
    """What a provisioning made (names only: never a secret)."""

    created: tuple[str, ...]
    ca_created: bool
    broker_issued: bool


def write_client_files(layout: SecurityLayout, store: CredentialStore, bootstrap: str) -> None:
    """Every principal's current configuration, rewritten only when it changed (a running
    client may be reading it)."""
    for name, entry in store:
        path = client_properties_path(layout.state_dir, name)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        text = render(ClientConfig(bootstrap, name, entry.current.password, layout.ca_cert),
                      "properties").encode("ascii")  # fmt: skip
        if not path.exists() or path.read_bytes() != text:
            write_private(path, text)


def provision(
    layout: SecurityLayout, principals: Iterable[Principal], bootstrap: str
) -> Provisioned:
    """Certificates, credentials for principals that have none, and the client files."""
    issued = ensure_certificates(layout)
    store = CredentialStore(layout.credentials)
    created = tuple(p.name for p in principals if p.name not in store)
    for name in created:
        store.create(name)
    write_client_files(layout, store, bootstrap)
    return Provisioned(created, issued.ca_created, issued.broker_issued)

"""Where the security material lives; secret files are written by ``topology.secret_files``
(0600 from their first byte), public ones here."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from topology.secret_files import write_private

__all__ = ["SecurityLayout", "write_private", "write_public"]


@dataclass(frozen=True)
class SecurityLayout:
    """The files of ``<state dir>/security``."""

    state_dir: Path

    @property
    def root(self) -> Path:
        return self.state_dir / "security"

    @property
    def ca_key(self) -> Path:
        return self.root / "ca.key.pem"

    @property
    def ca_cert(self) -> Path:
        """The project CA certificate: the PEM truststore every client is given."""
        return self.root / "ca.pem"

    @property
    def broker_key(self) -> Path:
        return self.root / "broker.key.pem"

    @property
    def broker_cert(self) -> Path:
        return self.root / "broker.pem"

    @property
    def broker_keystore(self) -> Path:
        """Key, certificate and CA in one PEM file (``ssl.keystore.type=PEM``)."""
        return self.root / "broker.keystore.pem"

    @property
    def credentials(self) -> Path:
        return self.root / "credentials.json"

    def ensure_root(self) -> Path:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self.root


def write_public(path: Path, data: bytes) -> None:
    """Certificates and the truststore: world-readable is fine, torn files are not."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)

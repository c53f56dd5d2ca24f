"""Ed25519 signing of e-certificates: the issuer key, the signed payload, verification."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from topology.events import CertificateIssued
from topology.secret_files import create_private


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw_public(key)).hexdigest()[:16]


@dataclass(frozen=True)
class IssuerKey:
    """The signing key of the certificate service, kept as PEM under the state directory."""

    private: Ed25519PrivateKey

    @functools.cached_property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @functools.cached_property
    def key_id(self) -> str:
        """Derived once per key, not hashed again for every certificate it signs."""
        return key_id_of(self.public)

    @classmethod
    def load_or_create(cls, directory: Path) -> IssuerKey:
        """The key in ``directory``, created on first use (0600 from its first byte)."""
        path = directory / "issuer-ed25519.pem"
        if not path.exists():
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption())  # fmt: skip
            create_private(path, pem)  # a worker starting beside us may have won: read it
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        public = directory / "issuer-ed25519.pub.pem"
        if not public.exists():
            public.write_bytes(loaded.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        return cls(loaded)


def load_public_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


def canonical_json(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def basis_digest(item_code: str, outputs: Mapping[str, str]) -> str:
    """What a certificate rests on: its item and that item's outputs, as a digest."""
    document = {"item_code": item_code, "outputs": dict(outputs)}
    return hashlib.sha256(canonical_json(document)).hexdigest()


def payload_bytes(
    *, number: str, certificate_type: str, case_id: str, holder_ref: str, issued_at: str,
    key_id: str, item_code: str | None = None, basis: str | None = None,
) -> bytes:  # fmt: skip
    """The signed document: canonical JSON of what the certificate event itself carries
    (the item and basis only when present, so certificates signed without them verify)."""
    document = {
        "certificate_number": number, "certificate_type": certificate_type, "case_id": case_id,
        "holder_ref": holder_ref, "issued_at": issued_at, "key_id": key_id,
    }  # fmt: skip
    if item_code is not None:
        document["item_code"] = item_code
    if basis is not None:
        document["basis_digest"] = basis
    return canonical_json(document)


def event_payload(event: CertificateIssued) -> bytes:
    return payload_bytes(
        number=event.certificate_number, certificate_type=event.certificate_type,
        case_id=event.case_id, holder_ref=event.holder_ref,
        issued_at=event.issued_at.isoformat(), key_id=event.key_id, item_code=event.item_code,
        basis=event.basis_digest,
    )  # fmt: skip


def verify(event: CertificateIssued, public: Ed25519PublicKey) -> str | None:
    """Why the certificate does not verify, or None when it does."""
    payload = event_payload(event)
    if hashlib.sha256(payload).hexdigest() != event.payload_digest:
        return "payload digest does not match the certificate's fields"
    if key_id_of(public) != event.key_id:
        return f"signed by key {event.key_id}, not by {key_id_of(public)}"
    try:
        public.verify(event.signature, payload)
    except InvalidSignature:
        return "signature does not verify"
    return None

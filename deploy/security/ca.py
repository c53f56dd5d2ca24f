"""The project CA and the broker's TLS certificate, made with ``cryptography`` and kept.

Idempotent: an existing CA is reused for its ten years; the broker's certificate is issued
again when it is missing, expires within ``RENEW_BEFORE``, names other hosts or was not
signed by the current CA. Keys are EC P-256, unencrypted PKCS#8 PEM, written 0600.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from deploy.security.files import SecurityLayout, write_private, write_public

CA_VALIDITY = timedelta(days=3652)
SERVER_VALIDITY = timedelta(days=397)
RENEW_BEFORE = timedelta(days=30)
BROKER_HOSTS: tuple[str, ...] = ("localhost", "127.0.0.1")
BROKER_IDENTITY = "onething-broker"
"""The broker certificate's common name. It serves TLS to clients and is the broker's client
certificate on its mutual-TLS listeners, where the broker maps it to ``admin``."""
_BROKER_USAGES = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]


CaPair = tuple[ec.EllipticCurvePrivateKey, x509.Certificate]


class CaError(RuntimeError):
    """The security directory holds something the launcher cannot use as it is."""


@dataclass(frozen=True)
class Issued:
    """What ``ensure_certificates`` found or made."""

    ca_created: bool
    broker_issued: bool
    ca_expires: datetime
    broker_expires: datetime


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "onething"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])  # fmt: skip


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _sans(hosts: Sequence[str]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def _create_ca(layout: SecurityLayout, now: datetime) -> CaPair:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name("onething project CA")
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + CA_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                       critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    write_private(layout.ca_key, _key_pem(key))
    write_public(layout.ca_cert, cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def _load_ca(layout: SecurityLayout, now: datetime) -> CaPair:
    key = serialization.load_pem_private_key(layout.ca_key.read_bytes(), password=None)
    cert = x509.load_pem_x509_certificate(layout.ca_cert.read_bytes())
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.public_key() != cert.public_key():
        raise CaError(f"{layout.ca_key} does not belong to {layout.ca_cert}")
    if cert.not_valid_after_utc <= now:
        expired = f"{cert.not_valid_after_utc:%Y-%m-%d}"
        raise CaError(f"the project CA in {layout.root} expired on {expired}: remove the "
                      "directory to create a new one, then re-export clients' configs")  # fmt: skip
    return key, cert


def _broker_current(layout: SecurityLayout, ca: x509.Certificate, hosts: Sequence[str],
                    now: datetime) -> bool:  # fmt: skip
    if not (layout.broker_cert.exists() and layout.broker_key.exists()):
        return False
    cert = x509.load_pem_x509_certificate(layout.broker_cert.read_bytes())
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    return (cert.not_valid_after_utc - RENEW_BEFORE > now and set(sans) == set(_sans(hosts))
            and cert.subject == _name(BROKER_IDENTITY) and set(usages) == set(_BROKER_USAGES))


def _issue_broker(layout: SecurityLayout, ca_key: ec.EllipticCurvePrivateKey,
                  ca: x509.Certificate, hosts: Sequence[str], now: datetime) -> None:  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(_name(BROKER_IDENTITY)).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + SERVER_VALIDITY)
        .add_extension(x509.SubjectAlternativeName(_sans(hosts)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage(_BROKER_USAGES), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    ca_pem = ca.public_bytes(serialization.Encoding.PEM)
    write_private(layout.broker_key, _key_pem(key))
    write_private(layout.broker_keystore, _key_pem(key) + cert_pem + ca_pem)
    write_public(layout.broker_cert, cert_pem + ca_pem)


def ensure_certificates(
    layout: SecurityLayout, hosts: Sequence[str] = BROKER_HOSTS, now: datetime | None = None
) -> Issued:
    """The CA (created once) and a current broker certificate for ``hosts``."""
    now = now or datetime.now(UTC)
    layout.ensure_root()
    created = not layout.ca_cert.exists()
    if created and layout.ca_key.exists():
        raise CaError(f"{layout.ca_key} exists without {layout.ca_cert}: remove it or restore it")
    ca_key, ca = _create_ca(layout, now) if created else _load_ca(layout, now)
    issued = not _broker_current(layout, ca, hosts, now)
    if issued:
        _issue_broker(layout, ca_key, ca, hosts, now)
    broker = x509.load_pem_x509_certificate(layout.broker_cert.read_bytes())
    return Issued(created, issued, ca.not_valid_after_utc, broker.not_valid_after_utc)

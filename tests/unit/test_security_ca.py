"""The project CA and the broker's certificate: 0600 keys from creation, reused, re-issued."""

import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509

from deploy.security import files
from deploy.security.ca import CA_VALIDITY, SERVER_VALIDITY, ensure_certificates
from deploy.security.files import SecurityLayout, write_private

pytestmark = pytest.mark.unit
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_keys_are_created_0600_with_o_excl_and_never_chmodded(tmp_path, monkeypatch):
    opened, chmodded = [], []
    real_open = os.open

    def spy_open(path, flags, mode=0o777):
        opened.append((flags, mode))
        return real_open(path, flags, mode)

    monkeypatch.setattr(files.os, "open", spy_open)
    monkeypatch.setattr(os, "chmod", lambda *a, **k: chmodded.append(a))
    layout = SecurityLayout(tmp_path)
    ensure_certificates(layout, now=NOW)
    assert len(opened) == 3  # CA key, broker key, broker keystore
    assert all(m == 0o600 and f & os.O_EXCL and f & os.O_CREAT for f, m in opened)
    assert chmodded == []
    for key in (layout.ca_key, layout.broker_key, layout.broker_keystore):
        assert mode(key) == 0o600, key
    assert mode(layout.root) == 0o700


def test_a_private_file_is_0600_even_with_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        write_private(tmp_path / "k", b"secret")
    finally:
        os.umask(old)
    assert mode(tmp_path / "k") == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["k"]


def test_the_broker_certificate_is_signed_by_the_ca_for_localhost(tmp_path):
    layout = SecurityLayout(tmp_path)
    issued = ensure_certificates(layout, now=NOW)
    assert issued.ca_created
    assert issued.broker_issued
    ca = x509.load_pem_x509_certificate(layout.ca_cert.read_bytes())
    broker = x509.load_pem_x509_certificates(layout.broker_cert.read_bytes())[0]
    broker.verify_directly_issued_by(ca)
    sans = broker.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["localhost"]
    assert [str(ip) for ip in sans.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert ca.not_valid_after_utc >= NOW + CA_VALIDITY - timedelta(days=1)
    assert broker.not_valid_after_utc <= NOW + SERVER_VALIDITY


def test_a_second_run_reuses_everything(tmp_path):
    layout = SecurityLayout(tmp_path)
    ensure_certificates(layout, now=NOW)
    before = {p.name: p.read_bytes() for p in layout.root.iterdir()}
    again = ensure_certificates(layout, now=NOW + timedelta(days=1))
    assert not again.ca_created
    assert not again.broker_issued
    assert {p.name: p.read_bytes() for p in layout.root.iterdir()} == before


def test_an_expiring_or_missing_broker_certificate_is_issued_again_by_the_same_ca(tmp_path):
    layout = SecurityLayout(tmp_path)
    ensure_certificates(layout, now=NOW)
    ca_before = layout.ca_cert.read_bytes()
    later = ensure_certificates(layout, now=NOW + SERVER_VALIDITY - timedelta(days=10))
    assert later.broker_issued
    assert not later.ca_created
    assert layout.ca_cert.read_bytes() == ca_before
    layout.broker_cert.unlink()
    assert ensure_certificates(layout, now=NOW).broker_issued
    assert mode(layout.broker_key) == 0o600


def test_other_hosts_get_a_new_certificate(tmp_path):
    layout = SecurityLayout(tmp_path)
    ensure_certificates(layout, now=NOW)
    assert ensure_certificates(layout, ("broker.example", "10.0.0.5"), now=NOW).broker_issued

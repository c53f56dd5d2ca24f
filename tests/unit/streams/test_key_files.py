"""Secrets under the state directory, and the holder pseudonym derived with one."""

from __future__ import annotations

import hashlib
import random
import stat

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

from streams.case.policy import Policy
from streams.issuance.signing import IssuerKey
from tests.unit.streams.harness import CaseRun
from topology.catalog import load_catalog
from topology.events import ApplicationSubmitted
from topology.samples import sample_application
from topology.secret_files import create_private, load_or_create_secret

pytestmark = pytest.mark.unit


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_secret_file_is_owner_only_and_never_overwritten(tmp_path):
    path = tmp_path / "keys" / "k"
    assert create_private(path, b"first")
    assert mode(path) == 0o600
    assert not create_private(path, b"second")
    assert path.read_bytes() == b"first"
    assert [p.name for p in path.parent.iterdir()] == ["k"], "no temporary file left behind"


def test_one_secret_however_often_it_is_loaded(tmp_path):
    path = tmp_path / "holder.key"
    first = load_or_create_secret(path)
    assert len(first) == 32
    assert load_or_create_secret(path) == first
    path.write_bytes(b"short")
    with pytest.raises(ValueError, match="holds 5 bytes"):
        load_or_create_secret(path)


def test_the_issuer_key_is_owner_only_and_stable(tmp_path):
    key = IssuerKey.load_or_create(tmp_path)
    assert mode(tmp_path / "issuer-ed25519.pem") == 0o600
    assert IssuerKey.load_or_create(tmp_path).key_id == key.key_id
    assert (tmp_path / "issuer-ed25519.pub.pem").exists()


def new_application() -> ApplicationSubmitted:
    catalog = load_catalog()
    return sample_application(catalog, catalog.bundle("newborn_birth"), "case-holder",
                              random.Random(4))  # fmt: skip


def holder_ref(key: bytes) -> tuple[str, str]:
    app = new_application()
    run = CaseRun(policy=Policy(holder_key=key))
    run.send(app)
    return run.state.applicant_ref, app.applicant.id_number


def test_the_holder_reference_is_keyed_not_a_bare_hash():
    ref, id_number = holder_ref(b"k" * 32)
    assert ref != hashlib.sha256(id_number.encode()).hexdigest()
    assert len(ref) == 64
    assert holder_ref(b"k" * 32)[0] == ref, "one key, one pseudonym"
    assert holder_ref(b"j" * 32)[0] != ref, "another key, another pseudonym"


def test_the_national_suite_names_holders_with_hmac_sm3():
    key = b"k" * 32
    app = new_application()
    run = CaseRun(policy=Policy(holder_key=key, pseudonym_hash="sm3"))
    run.send(app)
    assert run.state is not None
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(app.applicant.id_number.encode())
    assert run.state.applicant_ref == mac.finalize().hex()
    assert run.state.applicant_ref != holder_ref(key)[0]

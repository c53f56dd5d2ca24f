"""The two cipher suites: AES-256-GCM (default) and the national SM4-GCM
(``ONETHING_CRYPTO_SUITE=sm``), both authenticated encryption with a 96-bit nonce and a
128-bit tag, both from `cryptography`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

Suite = Literal["aes", "sm"]
NONCE_BYTES = 12
TAG_BYTES = 16


def _aes_seal(key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    return AESGCM(key).encrypt(nonce, data, aad)


def _aes_open(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    return AESGCM(key).decrypt(nonce, sealed, aad)


def _sm4_seal(key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(data) + encryptor.finalize() + encryptor.tag


def _sm4_open(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


@dataclass(frozen=True)
class CipherSuite:
    name: str
    """What a key id calls it: ``aes256gcm`` or ``sm4gcm``."""
    key_bytes: int
    seal: Callable[[bytes, bytes, bytes, bytes], bytes]
    """(key, nonce, plaintext, associated data) → ciphertext + tag."""
    open: Callable[[bytes, bytes, bytes, bytes], bytes]
    """(key, nonce, ciphertext + tag, associated data) → plaintext; raises InvalidTag."""


SUITES: dict[Suite, CipherSuite] = {
    "aes": CipherSuite("aes256gcm", 32, _aes_seal, _aes_open),
    "sm": CipherSuite("sm4gcm", 16, _sm4_seal, _sm4_open),
}
BY_NAME = {suite.name: suite for suite in SUITES.values()}

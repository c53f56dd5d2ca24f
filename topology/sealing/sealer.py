"""Sealing and opening one value: the key id says whose it is, the associated data says where
it belongs (case and field), so a value copied into another case or field does not open."""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag

from topology.events import Sealed
from topology.sealing.keys import KeyStore, UnknownKeyError
from topology.sealing.suites import NONCE_BYTES

_MEMO_SIZE = 512


class SealError(ValueError):
    """A sealed value that does not open here; the message names the key and place, never
    the value."""


def seal_context(case_id: str, field: str) -> bytes:
    """The associated data binding a value to its case and field (``applicant.id_number``,
    ``form.newborn_name``)."""
    return f"{case_id}\x1f{field}".encode()


@dataclass
class Sealer:
    """Seals values to any principal; opens only what is sealed to ``principal`` (this
    process's identity), as a KMS grants encrypt to senders and decrypt to the recipient."""

    keys: KeyStore
    principal: str
    _opened: OrderedDict[tuple[str, bytes, bytes, bytes], str] = field(
        default_factory=OrderedDict, repr=False
    )
    """Recently opened values (the case agent opens a case's form group once per task): a
    few hundred, in this process's memory only, where they are in clear anyway while used."""

    def seal(self, value: str, recipient: str, context: bytes) -> Sealed:
        key = self.keys.active(recipient)
        nonce = os.urandom(NONCE_BYTES)
        ciphertext = key.suite.seal(key.secret, nonce, value.encode(), context)
        return Sealed(key_id=key.key_id, nonce=nonce, ciphertext=ciphertext)

    def open(self, sealed: Sealed, context: bytes) -> str:
        memo = (sealed.key_id, sealed.nonce, sealed.ciphertext, context)
        if (hit := self._opened.get(memo)) is not None:
            self._opened.move_to_end(memo)
            return hit
        value = self._open(sealed, context)
        self._opened[memo] = value
        if len(self._opened) > _MEMO_SIZE:
            self._opened.popitem(last=False)
        return value

    def _open(self, sealed: Sealed, context: bytes) -> str:
        place = context.split(b"\x1f")[-1].decode(errors="replace")
        try:
            key = self.keys.get(sealed.key_id)
        except UnknownKeyError as error:
            raise SealError(f"{place}: {error}") from None
        if key.principal != self.principal:
            raise SealError(f"{place} is sealed to {key.principal}, not to {self.principal}")
        try:
            return key.suite.open(key.secret, sealed.nonce, sealed.ciphertext, context).decode()
        except (InvalidTag, UnicodeDecodeError):
            raise SealError(
                f"{place} does not open under {sealed.key_id}: altered, or sealed for another "
                "case or field"
            ) from None

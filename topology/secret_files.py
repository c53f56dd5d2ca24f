"""Secret files under the state directory, readable by their owner only from the first byte
(created with mode 0600, never written open and chmod-ed after), and never torn: written
under a temporary name, then put in place at once."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _temporary(path: Path, data: bytes) -> Path:
    """``data`` in a new 0600 file beside ``path`` (O_EXCL: nobody had it open before)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (0600), replacing what was there (credentials, rotated)."""
    temp = _temporary(path, data)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def create_private(path: Path, data: bytes) -> bool:
    """Create ``path`` (0600) holding ``data``; False when it exists already, which is then
    left as it is: several workers starting at once agree on one secret."""
    temp = _temporary(path, data)
    try:
        os.link(temp, path)  # atomic, and refuses to replace an existing file
    except FileExistsError:
        return False
    finally:
        temp.unlink()
    return True


def load_or_create_secret(path: Path, size: int = 32) -> bytes:
    """The random secret in ``path``, created on first use."""
    if not path.exists():
        create_private(path, secrets.token_bytes(size))
    secret = path.read_bytes()
    if len(secret) != size:
        raise ValueError(f"{path} holds {len(secret)} bytes, not a {size}-byte secret: "
                         "restore it from backup (what was derived from it depends on it)")
    return secret

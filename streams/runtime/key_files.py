"""Secret files under the state directory: created readable by their owner only from the
first byte (never written open and chmod-ed after), whole or not at all, and never
overwritten, so several workers starting at once agree on one secret."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path


def write_private(path: Path, data: bytes) -> bool:
    """Create ``path`` (mode 0600) holding ``data``; False when it exists already (then it
    is left as it is)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        try:
            os.link(tmp, path)  # atomic, and refuses to replace an existing file
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(tmp)


def load_or_create_secret(path: Path, size: int = 32) -> bytes:
    """The random secret in ``path``, created on first use."""
    if not path.exists():
        write_private(path, secrets.token_bytes(size))
    secret = path.read_bytes()
    if len(secret) != size:
        raise ValueError(f"{path} holds {len(secret)} bytes, not a {size}-byte secret: "
                         "restore it from backup (what was derived from it depends on it)")
    return secret

"""The faust-streaming release whose internals the runtime relies on, checked at start.

The runtime reaches past Faust's public API in a few places (its Kafka consumer's seek after
a rebalance, a table's store and changelog topic, the producer Faust flushes before it
commits); another release may change any of them without notice, so any other version is
refused rather than run on hope.
"""

from __future__ import annotations

from importlib import metadata

SUPPORTED = "0.15.3"


class UnsupportedFaustError(RuntimeError):
    """The installed faust-streaming is not the release the runtime was built against."""


def installed_faust() -> str | None:
    try:
        return metadata.version("faust-streaming")
    except metadata.PackageNotFoundError:
        return None


def check_faust_version(installed: str | None = None) -> None:
    """Raise :class:`UnsupportedFaustError` (one line: cause and fix) unless the supported
    release is installed."""
    found = installed_faust() if installed is None else installed
    if found == SUPPORTED:
        return
    what = f"faust-streaming {found} is installed" if found else "faust-streaming is missing"
    raise UnsupportedFaustError(
        f"{what}, but streams/runtime relies on the internals of {SUPPORTED}; "
        f"fix: pip install 'faust-streaming=={SUPPORTED}'"
    )

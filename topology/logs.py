"""structlog set-up, configured once per process, with personal data masked before output:
by key and by pattern, nested values and tracebacks included."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from functools import cache
from typing import Any

import structlog

from topology.settings import Settings, get_settings

_CITIZEN_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_PII_KEYS = frozenset(
    {"name", "applicant_name", "citizen_id", "id_number", "phone", "mobile", "address"}
)
_configured = False


def mask_text(text: str) -> str:
    """Mask resident ID numbers and mobile phone numbers inside free text."""
    text = _CITIZEN_ID.sub(r"\1********\2", text)
    return _PHONE.sub(r"\1****\2", text)


@cache
def personal_keys() -> frozenset[str]:
    """Keys masked whole: the usual names of personal data, and every form field the
    catalogue marks ``personal`` (in any region)."""
    from topology.catalog import CatalogError, all_catalogs  # data: loaded when first needed

    try:
        marked = {f.code for catalog in all_catalogs() for f in catalog.fields if f.personal}
    except CatalogError:  # a broken catalogue must not stop the logging that reports it
        return _PII_KEYS
    return _PII_KEYS | marked


@cache
def _keyed_pattern() -> re.Pattern[str]:
    """``'name': 'value'``, ``name=value`` and the like, for the personal keys: how a dict or
    an object repr shows them inside the free text of a standard-library log line."""
    keys = "|".join(sorted(map(re.escape, personal_keys()), key=len, reverse=True))
    return re.compile(rf"""(?<![\w])(['"]?(?:{keys})['"]?\s*[:=]\s*)(['"])(?:(?!\2).)*\2""")


def mask_line(text: str) -> str:
    """Free text as a standard-library logger or a traceback writes it: personal keys' quoted
    values and ID or phone numbers masked."""
    return mask_text(_keyed_pattern().sub(r"\1\2***\2", text))


class MaskingStream:
    """A text stream that masks what is written through it. Installed as ``sys.stderr`` and
    ``sys.stdout`` before Faust, mode and aiokafka create their handlers, so every handler they
    make writes through it, and so do tracebacks; their formatting is left alone."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(mask_line(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def mask_standard_streams() -> None:
    """Wrap stdout and stderr once (idempotent)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, MaskingStream):
            setattr(sys, name, MaskingStream(stream))


def mask_value(key: str, value: Any) -> Any:
    """Mask one log value: personal-data keys fully, anything else by pattern."""
    if key in personal_keys() and value is not None:
        return "***"
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(key, v) for v in value]
    return value


def mask_personal_data(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: no personal data leaves the process in clear."""
    for key, value in list(event_dict.items()):
        event_dict[key] = mask_value(key, value)
    return event_dict


def configure_logging(settings: Settings | None = None, *, force: bool = False) -> None:
    """Configure structlog and stdlib logging once: JSON when not a TTY, console otherwise."""
    global _configured
    if _configured and not force:
        return
    settings = settings or get_settings()
    mask_standard_streams()
    level = logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.INFO)
    as_json = settings.log_format == "json" or (
        settings.log_format == "auto" and not sys.stderr.isatty()
    )
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if as_json
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,  # before masking: tracebacks are masked too
            mask_personal_data,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=max(level, logging.WARNING), stream=sys.stderr, force=force)
    _configured = True

"""No personal number in clear in structlog's log lines, their tracebacks included."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

ID = "11010519491231002X"  # generated: area 110105, born 1949-12-31
PHONE = "13812345678"
NAME = "测试甲"

SCRIPT = f"""
import logging, structlog
from topology.logs import configure_logging
configure_logging()
log = structlog.get_logger("t")
log.warning("form_seen", mother_name="{NAME}", nested={{"applicant": {{"id_number": "{ID}"}}}})
try:
    raise ValueError("bad applicant {ID}")
except ValueError:
    log.exception("structlog_traceback", note="call {PHONE}")
"""


def test_personal_data_is_masked_in_structlog_lines_and_tracebacks():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=60, check=False,
                          env={"ONETHING_LOG_FORMAT": "json", "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stderr
    for expected in ("form_seen", "structlog_traceback", "ValueError", "110105********002X",
                     "138****5678"):  # fmt: skip
        assert expected in out, expected
    assert ID not in out
    assert PHONE not in out
    assert NAME not in out, "a field the catalogue marks personal is masked by its key"
    assert out.count("Traceback (most recent call last)") == 1


STDLIB_SCRIPT = f"""
import logging, sys
from topology.logs import configure_logging
configure_logging()
# As Faust, mode and aiokafka do: handlers made after the set-up, formatting of their own.
handler = logging.StreamHandler(sys.stderr)
handler.setFormatter(logging.Formatter("[%(name)s] %(message)s"))
log = logging.getLogger("aiokafka.consumer")
log.addHandler(handler)
log.warning("bad record %r", {{"mother_name": "{NAME}", "id_number": "{ID}", "n": 1}})
raise RuntimeError("unhandled, for applicant {ID} at {PHONE}")
"""


def test_standard_library_loggers_and_uncaught_tracebacks_are_masked():
    done = subprocess.run([sys.executable, "-c", STDLIB_SCRIPT], capture_output=True, text=True,
                          timeout=60, check=False,
                          env={"ONETHING_LOG_FORMAT": "json", "PATH": "/usr/bin:/bin"})  # fmt: skip
    out = done.stderr
    assert done.returncode == 1, out
    for expected in ("[aiokafka.consumer] bad record", "'n': 1", "RuntimeError: unhandled",
                     "110105********002X", "138****5678"):  # fmt: skip
        assert expected in out, expected
    assert ID not in out
    assert PHONE not in out
    assert NAME not in out, "a personal key's value is masked in a repr"


UNQUOTED_SCRIPT = f"""
import structlog
from topology.logs import configure_logging
configure_logging()
structlog.get_logger("t").warning("case_seen", mother_name="{NAME}", father_name=["{NAME}"])
"""


@pytest.mark.parametrize("log_format", ["console", "json"])
def test_personal_keys_are_masked_by_the_structlog_chain_itself(log_format):
    """The stream wrapper masks only quoted values after a personal key; an unquoted value (the
    console renderer's ``key=value``) or a list is masked by the structlog processor alone."""
    env = {"ONETHING_LOG_FORMAT": log_format, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", UNQUOTED_SCRIPT], capture_output=True,
                          text=True, timeout=60, check=False, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "case_seen" in done.stderr
    assert "mother_name" in done.stderr
    assert NAME not in done.stderr

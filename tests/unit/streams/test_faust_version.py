"""The runtime refuses a faust-streaming release other than the one it relies on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from streams.runtime.faust_version import (
    SUPPORTED,
    UnsupportedFaustError,
    check_faust_version,
    installed_faust,
)

pytestmark = pytest.mark.unit


def test_the_installed_release_is_the_supported_one():
    assert installed_faust() == SUPPORTED
    check_faust_version()


@pytest.mark.parametrize("found", ["0.15.2", "0.16.0", ""])
def test_another_release_is_refused_with_cause_and_fix(found):
    with pytest.raises(UnsupportedFaustError) as refused:
        check_faust_version(found)
    message = str(refused.value)
    assert "\n" not in message
    assert f"relies on the internals of {SUPPORTED}" in message
    assert f"fix: pip install 'faust-streaming=={SUPPORTED}'" in message


def test_the_cli_says_it_in_one_line_without_a_traceback(tmp_path):
    """Starting a worker on another release prints one line and exits non-zero."""
    script = (
        "import sys; from importlib import metadata; real = metadata.version\n"
        "metadata.version = lambda name: '9.9.9' if name == 'faust-streaming' else real(name)\n"
        "from deploy.cli import main; sys.argv = ['onething', 'certificates', 'run']; main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, env={"ONETHING_STATE_DIR": str(tmp_path),
                                           "PATH": "/usr/bin:/bin"}, check=False)  # fmt: skip
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [
        f"error: faust-streaming 9.9.9 is installed, but streams/runtime relies on the internals "
        f"of {SUPPORTED}; fix: pip install 'faust-streaming=={SUPPORTED}'"
    ]

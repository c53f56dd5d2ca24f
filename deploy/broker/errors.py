"""The one error type of the launcher: a one-line cause and a one-line fix."""

from __future__ import annotations


class BrokerError(RuntimeError):
    """The local broker could not be fetched, started or stopped."""

    def __init__(self, cause: str, fix: str, detail: str = "") -> None:
        self.cause = cause
        self.fix = fix
        self.detail = detail
        super().__init__(f"{cause}. Fix: {fix}")
        if detail:
            # A traceback (a test's setup, a helper's crash) then shows what the tool printed.
            self.add_note(detail)

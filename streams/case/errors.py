"""Well-formed inputs the case logic cannot apply: the runtime dead-letters them, with the
reason, and goes on with the rest of the batch."""

from __future__ import annotations


class UnprocessableError(LookupError):
    """A well-formed event that cannot be applied."""


class UnknownCaseError(UnprocessableError):
    """A result or answer for a case this bus never accepted."""


class UnexpectedInputError(UnprocessableError):
    """An event of a type the case agent does not take as input (e.g. a fact that only the
    case agent itself publishes)."""
